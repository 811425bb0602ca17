"""The waterbed analysis: the worked example of docs/waterbed.md and its properties."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from normmonitor.analysis.waterbed import WaterbedConfig, analyse, barriers
from normmonitor.scoring import score_organisation

FAST = settings(max_examples=60, deadline=None)

ALMERE, ZEEWOLDE, NOP, URK, DRONTEN, LELYSTAD, PROVINCE = (
    "GM0034",
    "GM0050",
    "GM0171",
    "GM0184",
    "GM0303",
    "GM0995",
    "PV24",
)
MUNICIPALITIES = (ALMERE, ZEEWOLDE, NOP, URK, DRONTEN, LELYSTAD)
# The Flevoland adjacency of the region fixture (organisations/data/flevoland.yaml).
EDGES = [
    (ALMERE, ZEEWOLDE),
    (ALMERE, LELYSTAD),
    (ZEEWOLDE, DRONTEN),
    (ZEEWOLDE, LELYSTAD),
    (NOP, URK),
    (NOP, DRONTEN),
    (DRONTEN, LELYSTAD),
]


def graph(edges) -> dict[str, set[str]]:
    result: dict[str, set[str]] = {}
    for a, b in edges:
        result.setdefault(a, set()).add(b)
        result.setdefault(b, set()).add(a)
    return result


def statuses(model, changes: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """Every barrier achieved, except the given ones; types as in Flevoland."""
    result = {}
    for organisation in (*MUNICIPALITIES, PROVINCE):
        kind = "provincie" if organisation == PROVINCE else "gemeente"
        result[organisation] = {
            item.code: ("achieved" if kind in item.applies_to else "excluded")
            for item in barriers(model)
        }
        result[organisation].update(changes.get(organisation, {}))
    return result


WORKED = {
    URK: {"3.5.D": "not_achieved", "2.3": "not_achieved"},
    ZEEWOLDE: {"3.5.D": "unanswered"},
    ALMERE: {"4.1": "not_achieved"},
    PROVINCE: {"4.1": "not_achieved"},
    DRONTEN: {"2.3": "not_achieved"},
    LELYSTAD: {"2.3": "not_achieved"},
}


class TestWorkedExample:
    """docs/waterbed.md, "Worked example": every number in that section."""

    @pytest.fixture
    def result(self, flevoland_model):
        config = WaterbedConfig(theme_weights={"3": Fraction(2)})
        return analyse(flevoland_model, statuses(flevoland_model, WORKED), graph(EDGES), config)

    def test_exposure(self, result):
        totals = {code: e.total for code, e in result.exposure.items()}
        assert totals == {
            URK: 3,
            ZEEWOLDE: 2,
            ALMERE: 1,
            PROVINCE: Fraction(5, 6),
            DRONTEN: Fraction(2, 3),
            LELYSTAD: Fraction(2, 3),
            NOP: 0,
        }
        assert result.exposure[URK].by_theme == {"1": 0, "2": 1, "3": 2, "4": 0}
        assert [e.organisation for e in result.ranking()][:3] == [URK, ZEEWOLDE, ALMERE]

    def test_gaps_against_neighbours_and_region(self, result):
        (urk_d,) = [g for g in result.exposure[URK].gaps if g.item == "3.5.D"]
        assert (urk_d.basis, urk_d.holders, urk_d.peers) == ("neighbours", (NOP,), (NOP,))
        assert (urk_d.pressure, urk_d.region_share, urk_d.contribution) == (1, Fraction(4, 5), 2)
        assert urk_d.ambition == "3.5"
        (dronten,) = result.exposure[DRONTEN].gaps
        assert dronten.peers == (ZEEWOLDE, NOP, LELYSTAD)  # by code
        assert dronten.holders == (ZEEWOLDE, NOP)
        assert (dronten.pressure, dronten.region_share) == (Fraction(2, 3), Fraction(3, 5))
        (province,) = result.exposure[PROVINCE].gaps
        assert province.basis == "region"  # the province has no neighbours
        assert (province.pressure, province.region_share) == (Fraction(5, 6), Fraction(5, 6))
        assert len(province.peers) == 6

    def test_ranked_weak_spots(self, result):
        ranked = [(g.organisation, g.item) for g in result.weak_spots]
        assert ranked == [
            (URK, "3.5.D"),
            (ZEEWOLDE, "3.5.D"),
            (ALMERE, "4.1"),
            (URK, "2.3"),
            (PROVINCE, "4.1"),
            (DRONTEN, "2.3"),
            (LELYSTAD, "2.3"),
        ]
        assert list(result.by_ambition()) == ["3.5", "4.1", "2.3"]

    def test_majority_threshold(self, flevoland_model):
        config = WaterbedConfig(majority=Fraction(3, 5))
        result = analyse(flevoland_model, statuses(flevoland_model, WORKED), graph(EDGES), config)
        # 2.3 is held by 3 of the 5 other municipalities: not "most" at a threshold of 3/5.
        assert {g.item for g in result.weak_spots} == {"3.5.D", "4.1"}
        assert result.exposure[DRONTEN].total == Fraction(2, 3)  # exposure does not change


def test_scoring_outcomes_are_accepted(flevoland_model):
    """The analysis reads the scoring engine's outcomes; derived items are not barriers."""
    ratings = {
        item.code: "behaald"
        for item in flevoland_model.items
        if not item.derived and "gemeente" in item.applies_to
    }
    urk = dict(ratings, **{"3.5.D": "niet-behaald"})
    outcomes = {
        URK: score_organisation(flevoland_model, "gemeente", urk).items,
        NOP: score_organisation(flevoland_model, "gemeente", ratings).items,
    }
    result = analyse(flevoland_model, outcomes, graph(EDGES))
    assert [(g.organisation, g.item) for g in result.weak_spots] == [(URK, "3.5.D")]
    assert result.exposure[URK].barriers == len(ratings)  # 3.5 itself is no barrier


def test_no_other_organisation_means_no_pressure(flevoland_model):
    result = analyse(flevoland_model, {URK: {"3.5.D": "not_achieved"}}, {})
    (gap,) = result.exposure[URK].gaps
    assert (gap.pressure, gap.region_share, gap.weak_spot) == (0, None, False)
    assert result.exposure[URK].total == 0


def test_configuration_is_checked():
    with pytest.raises(ValueError):
        WaterbedConfig(theme_weights={"1": -1})
    with pytest.raises(ValueError):
        WaterbedConfig(majority=Fraction(1))


# -- properties --------------------------------------------------------------------------

STATUS = st.sampled_from(["achieved", "achieved", "not_achieved", "unanswered", "not_applicable"])


@st.composite
def scenarios(draw, model):
    organisations = [f"O{i}" for i in range(draw(st.integers(2, 6)))]
    kinds = {o: draw(st.sampled_from(["gemeente", "gemeente", "provincie"])) for o in organisations}
    outcomes = {
        o: {
            item.code: draw(STATUS) if kinds[o] in item.applies_to else "excluded"
            for item in barriers(model)
        }
        for o in organisations
    }
    pairs = [(a, b) for i, a in enumerate(organisations) for b in organisations[i + 1 :]]
    edges = [pair for pair in pairs if draw(st.booleans())]
    weights = {
        theme: draw(st.sampled_from([Fraction(0), Fraction(1, 2), Fraction(1), Fraction(2)]))
        for theme in model.themes
    }
    majority = draw(st.sampled_from([Fraction(0), Fraction(1, 2), Fraction(2, 3)]))
    return outcomes, edges, WaterbedConfig(theme_weights=weights, majority=majority)


@pytest.fixture(scope="module")
def model(flevoland_model):
    return flevoland_model


def test_adding_a_barrier_never_raises_the_exposure(model):
    @FAST
    @given(scenarios(model), st.data())
    def check(scenario, data):
        outcomes, edges, config = scenario
        before = analyse(model, outcomes, graph(edges), config)
        organisation = data.draw(st.sampled_from(sorted(outcomes)))
        gaps = before.exposure[organisation].gaps
        if not gaps:
            return
        gap = data.draw(st.sampled_from(gaps))
        changed = {o: dict(items) for o, items in outcomes.items()}
        changed[organisation][gap.item] = "achieved"
        after = analyse(model, changed, graph(edges), config)
        assert after.exposure[organisation].total == before.exposure[organisation].total - (
            gap.contribution
        )
        assert after.exposure[organisation].total <= before.exposure[organisation].total
        for theme, value in after.exposure[organisation].by_theme.items():
            assert value <= before.exposure[organisation].by_theme[theme]

    check()


def test_a_neighbour_adding_a_barrier_never_lowers_the_exposure(model):
    """The waterbed itself: a barrier raised next door displaces pressure, never removes it."""

    @FAST
    @given(scenarios(model), st.data())
    def check(scenario, data):
        outcomes, edges, config = scenario
        before = analyse(model, outcomes, graph(edges), config)
        organisation = data.draw(st.sampled_from(sorted(outcomes)))
        gaps = before.exposure[organisation].gaps
        if not gaps:
            return
        gap = data.draw(st.sampled_from(gaps))
        changed = {o: dict(items) for o, items in outcomes.items()}
        changed[organisation][gap.item] = "achieved"
        after = analyse(model, changed, graph(edges), config)
        for other in outcomes:
            if other != organisation:
                assert after.exposure[other].total >= before.exposure[other].total

    check()


def test_an_organisation_without_neighbours_is_exposed_only_against_the_region(model):
    @FAST
    @given(scenarios(model), st.data())
    def check(scenario, data):
        outcomes, edges, config = scenario
        isolated = data.draw(st.sampled_from(sorted(outcomes)))
        edges = [edge for edge in edges if isolated not in edge]
        result = analyse(model, outcomes, graph(edges), config)
        exposure = result.exposure[isolated]
        assert not exposure.has_neighbours
        assert all(gap.basis == "region" for gap in exposure.gaps)
        for gap in exposure.gaps:
            assert gap.pressure == (gap.region_share or 0)
        # The rest of the map does not matter to it: drop every link, or link everyone else.
        others = sorted(set(outcomes) - {isolated})
        complete = [(a, b) for i, a in enumerate(others) for b in others[i + 1 :]]
        for other_edges in ([], complete):
            again = analyse(model, outcomes, graph(other_edges), config)
            assert again.exposure[isolated].total == exposure.total

    check()


def test_exposure_bounds_and_weak_spot_rules(model):
    @FAST
    @given(scenarios(model))
    def check(scenario):
        outcomes, edges, config = scenario
        result = analyse(model, outcomes, graph(edges), config)
        for exposure in result.exposure.values():
            ceiling = sum((gap.weight for gap in exposure.gaps), Fraction(0))
            assert 0 <= exposure.total <= ceiling
            assert exposure.total == sum(exposure.by_theme.values())
            assert exposure.missing <= exposure.barriers
        flagged = [g for e in result.exposure.values() for g in e.gaps if g.weak_spot]
        assert sorted(flagged, key=id) == sorted(result.weak_spots, key=id)
        for gap in result.weak_spots:
            assert gap.pressure > 0 and gap.region_share > config.majority
            assert gap.status in ("not_achieved", "unanswered")
        keys = [-g.contribution for g in result.weak_spots]
        assert keys == sorted(keys)

    check()


def test_the_analysis_equals_the_plain_reference(model):
    """The optimised analysis (linear in organisations × barriers) gives exactly what the first,
    organisation-by-organisation version gave."""
    from . import reference_waterbed

    @settings(max_examples=150, deadline=None)
    @given(scenarios(model))
    def check(scenario):
        outcomes, edges, config = scenario
        assert analyse(model, outcomes, graph(edges), config) == reference_waterbed.analyse(
            model, outcomes, graph(edges), config
        )

    check()
