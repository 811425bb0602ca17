"""Unit tests for the scoring rules (docs/scoring.md) on a Flevoland-shaped norm."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from normmonitor.scoring import (
    Item,
    Level,
    NormModel,
    Ratings,
    ScoringError,
    Tally,
    as_percent,
    percent_value,
    score_organisation,
    score_region,
)

GEMEENTE = "gemeente"
PROVINCIE = "provincie"
BOTH = frozenset({GEMEENTE, PROVINCIE})
ONLY_GEMEENTE = frozenset({GEMEENTE})

SCALE = (
    Level("behaald", achieved=True, weight=Fraction(1)),
    Level("deels", weight=Fraction(1, 2)),
    Level("niet", weight=Fraction(0)),
    Level("nvt", not_applicable=True),
)

AMBITIONS = {
    "1": ["1.1", "1.2", "1.3", "1.4"],
    "2": ["2.1", "2.2", "2.3"],
    "3": ["3.1", "3.2", "3.3", "3.4", "3.5", "3.6", "3.7", "3.8", "3.9", "3.10"],
    "4": ["4.1", "4.2", "4.3", "4.4", "4.5"],
}
PROVINCE_AMBITIONS = {"1.1", "2.1", "3.4", "3.5", "3.6", "3.8", "4.1", "4.2", "4.3", "4.4", "4.5"}


def flevoland_items() -> list[Item]:
    items: list[Item] = []
    for theme, codes in AMBITIONS.items():
        for code in codes:
            applies = BOTH if code in PROVINCE_AMBITIONS else ONLY_GEMEENTE
            derived = code in {"3.2", "3.5"}
            items.append(Item(code, theme, None, derived, applies))
            if code == "3.2":  # APV articles 3.2.1-3.2.5; 3.2.2 licences for A-C
                for sub in ("3.2.1", "3.2.2", "3.2.3", "3.2.4", "3.2.5"):
                    items.append(Item(sub, theme, "3.2", sub == "3.2.2", ONLY_GEMEENTE))
                    if sub == "3.2.2":
                        items += [
                            Item(f"3.2.2.{x}", theme, sub, False, ONLY_GEMEENTE) for x in "ABC"
                        ]
            if code == "3.5":  # Bibob branches: A-F municipal, G-I for both
                items += [Item(f"3.5.{x}", theme, "3.5", False, ONLY_GEMEENTE) for x in "ABCDEF"]
                items += [Item(f"3.5.{x}", theme, "3.5", False, BOTH) for x in "GHI"]
    return items


NORM = NormModel.build(flevoland_items(), SCALE, AMBITIONS)


def all_achieved(organisation_type: str, norm: NormModel = NORM) -> dict[str, str | None]:
    """Every directly rated item that applies to the type rated 'behaald'."""
    return {
        item.code: "behaald"
        for item in norm.items
        if not item.derived and organisation_type in item.applies_to
    }


def with_changes(organisation_type: str, **changes: str | None) -> dict[str, str | None]:
    """all_achieved with some items changed; keys use '_' for '.', None removes the rating."""
    ratings = all_achieved(organisation_type)
    for key, level in changes.items():
        code = key.removeprefix("i").replace("_", ".")
        assert code in ratings, code
        if level is None:
            del ratings[code]
        else:
            ratings[code] = level
    return ratings


# The worked example of docs/scoring.md: illustrative per-organisation ratings (the report only
# gives the 83% total) that add up to 119 of 143 ambitions achieved.
WORKED_EXAMPLE: dict[str, tuple[str, Ratings]] = {
    "almere": (GEMEENTE, with_changes(GEMEENTE, i3_10="deels", i4_2="niet")),
    "lelystad": (GEMEENTE, with_changes(GEMEENTE, i3_2_2_B="niet", i1_3="deels", i3_9=None)),
    "dronten": (
        GEMEENTE,
        with_changes(GEMEENTE, i3_5_D="niet", i3_3="niet", i3_7="deels", i4_4=None),
    ),
    "noordoostpolder": (
        GEMEENTE,
        with_changes(GEMEENTE, i2_3="niet", i3_10="niet", i3_2_4="deels", i4_3="deels"),
    ),
    "urk": (
        GEMEENTE,
        with_changes(
            GEMEENTE,
            i1_2="niet",
            i3_2_5="niet",
            i3_5_E="deels",
            i3_9="niet",
            i3_10="niet",
            i4_2="niet",
        ),
    ),
    "zeewolde": (
        GEMEENTE,
        with_changes(GEMEENTE, i3_1="deels", i3_3="niet", i3_10="niet", i4_5="deels", i3_5_F="nvt"),
    ),
    "provincie": (PROVINCIE, with_changes(PROVINCIE, i3_5_H="niet")),
}


class TestFixtureShape:
    def test_22_ambitions_in_4_themes_11_for_the_province(self) -> None:
        ambitions = NORM.ambitions()
        assert len(ambitions) == 22
        assert [a.code for a in ambitions if PROVINCIE in a.applies_to] == [
            c for codes in AMBITIONS.values() for c in codes if c in PROVINCE_AMBITIONS
        ]
        assert [c.code for c in NORM.children_of("3.2.2")] == ["3.2.2.A", "3.2.2.B", "3.2.2.C"]
        assert len(NORM.children_of("3.5")) == 9


class TestWorkedExample:
    """Reproduces the report: "De ambitiepunten zijn voor 83% behaald"."""

    def test_83_percent_from_ratings(self) -> None:
        region = score_region(NORM, WORKED_EXAMPLE)
        per_org = {
            code: (s.total.achieved, s.total.applicable)
            for code, s in region.by_organisation.items()
        }
        assert per_org == {
            "almere": (20, 22),
            "lelystad": (19, 22),
            "dronten": (18, 22),
            "noordoostpolder": (18, 22),
            "urk": (16, 22),
            "zeewolde": (18, 22),
            "provincie": (10, 11),
        }
        assert (region.total.achieved, region.total.applicable) == (119, 143)
        assert region.total.percentage == Fraction(119, 143)
        assert as_percent(region.total.percentage, 1) == "83.2%"
        assert as_percent(region.total.percentage) == "83%"

    def test_secondary_figures_of_the_worked_example(self) -> None:
        region = score_region(NORM, WORKED_EXAMPLE)
        assert region.mean_of_organisations == Fraction(129, 154)  # 83.8% -> "84%", not 83%
        assert as_percent(region.mean_of_organisations) == "84%"
        assert (region.total.answered, region.total.applicable) == (141, 143)  # 2 unanswered
        assert as_percent(region.total.completeness, 1) == "98.6%"
        # weighted: 119 achieved x 1, six partial ambitions x 1/2, and the not-achieved derived
        # ambitions with their mean child scores (3.2: 14/15, 9/10, 4/5; 3.5: 8/9, 17/18, 2/3)
        assert region.total.weighted_sum == 119 + 3 + Fraction(77, 15)
        assert as_percent(region.total.weighted_percentage, 1) == "88.9%"
        assert {t: (x.achieved, x.applicable) for t, x in region.by_theme.items()} == {
            "1": (23, 25),
            "2": (18, 19),
            "3": (48, 64),
            "4": (30, 35),
        }


class TestRule1Headline:
    def test_only_ambitions_count_not_sub_items(self) -> None:
        assert score_organisation(NORM, GEMEENTE, all_achieved(GEMEENTE)).total == Tally(
            achieved=22, applicable=22, answered=22, weighted_sum=Fraction(22), weighted_count=22
        )
        assert score_organisation(NORM, PROVINCIE, all_achieved(PROVINCIE)).total.applicable == 11

    def test_region_pools_tallies_instead_of_averaging_percentages(self) -> None:
        region = score_region(
            NORM,
            {
                "a": (GEMEENTE, {}),  # 0 of 22
                "p": (PROVINCIE, all_achieved(PROVINCIE)),  # 11 of 11
            },
        )
        assert region.total.percentage == Fraction(11, 33)
        assert region.mean_of_organisations == Fraction(1, 2)

    def test_by_ambition_counts_organisations(self) -> None:
        region = score_region(NORM, WORKED_EXAMPLE)
        assert region.by_ambition["3.10"] == Tally(
            achieved=2, applicable=6, answered=6, weighted_sum=Fraction(5, 2), weighted_count=6
        )
        assert region.by_ambition["1.1"].applicable == 7
        assert Tally.total(region.by_ambition.values()) == region.total

    def test_by_theme_sums_to_total_and_keeps_theme_order(self) -> None:
        score = score_organisation(NORM, GEMEENTE, WORKED_EXAMPLE["urk"][1])
        assert list(score.by_theme) == ["1", "2", "3", "4"]
        assert Tally.total(score.by_theme.values()) == score.total
        assert score.by_theme["3"].applicable == 10


class TestRule2Excluded:
    def test_items_not_for_the_type_are_excluded(self) -> None:
        score = score_organisation(NORM, PROVINCIE, all_achieved(PROVINCIE))
        assert score.items["1.2"].status == "excluded"
        assert score.items["3.2"].status == "excluded"
        assert score.items["3.2.2.A"].status == "excluded"
        assert score.items["3.5.A"].status == "excluded"
        outcome = score.items["3.5"]
        assert (outcome.status, outcome.achieved_children, outcome.applicable_children) == (
            "achieved",
            3,
            3,
        )

    def test_rating_an_excluded_item_is_an_error(self) -> None:
        with pytest.raises(ScoringError, match="does not apply to 'provincie'"):
            score_organisation(NORM, PROVINCIE, {"3.5.A": "behaald"})

    def test_none_for_an_excluded_item_is_just_unanswered(self) -> None:
        score = score_organisation(NORM, PROVINCIE, {"3.5.A": None, "3.2": None})
        assert score.items["3.5.A"].status == "excluded"

    def test_unknown_organisation_type(self) -> None:
        with pytest.raises(ScoringError, match="unknown organisation type 'Gemeente'"):
            score_organisation(NORM, "Gemeente", {})


class TestRule3NotApplicable:
    def test_nvt_leaves_the_denominator(self) -> None:
        score = score_organisation(NORM, GEMEENTE, with_changes(GEMEENTE, i3_7="nvt", i3_9="niet"))
        assert score.items["3.7"].status == "not_applicable"
        assert score.items["3.7"].level == "nvt"
        assert (score.total.achieved, score.total.applicable) == (20, 21)
        assert score.total.completeness == 1

    def test_nvt_sub_item_leaves_the_parent_count(self) -> None:
        score = score_organisation(NORM, GEMEENTE, with_changes(GEMEENTE, i3_5_F="nvt"))
        outcome = score.items["3.5"]
        assert (outcome.status, outcome.achieved_children, outcome.applicable_children) == (
            "achieved",
            8,
            8,
        )


class TestRule4Unanswered:
    def test_unanswered_counts_as_not_achieved(self) -> None:
        score = score_organisation(NORM, GEMEENTE, with_changes(GEMEENTE, i1_1=None, i1_2=None))
        assert score.items["1.1"].status == "unanswered"
        assert score.total.percentage == Fraction(20, 22)
        assert score.total.completeness == Fraction(20, 22)
        assert score.total.weighted_percentage == Fraction(20, 22)

    def test_nothing_answered(self) -> None:
        score = score_organisation(NORM, PROVINCIE, {})
        assert score.total == Tally(applicable=11, weighted_count=11)
        assert score.total.percentage == 0
        assert score.total.completeness == 0


class TestRule5Partial:
    def test_partial_is_not_achieved_but_weighs_half(self) -> None:
        score = score_organisation(NORM, PROVINCIE, with_changes(PROVINCIE, i4_1="deels"))
        assert score.items["4.1"].status == "not_achieved"
        assert score.items["4.1"].score == Fraction(1, 2)
        assert score.total.percentage == Fraction(10, 11)
        assert score.total.weighted_percentage == Fraction(21, 22)

    def test_unweighted_scale_has_no_weighted_figure(self) -> None:
        scale = (Level("ja", achieved=True), Level("nee"), Level("nvt", not_applicable=True))
        norm = NormModel.build(flevoland_items(), scale, AMBITIONS)
        score = score_organisation(norm, PROVINCIE, {"1.1": "ja", "2.1": "nee"})
        assert score.total.weighted_count == 0
        assert score.total.weighted_percentage is None
        assert score.total.percentage == Fraction(1, 11)


class TestRule6Derived:
    def test_nested_derivation_and_counts(self) -> None:
        score = score_organisation(NORM, GEMEENTE, with_changes(GEMEENTE, i3_2_2_C="deels"))
        c, s322, s32 = (score.items[code] for code in ("3.2.2.C", "3.2.2", "3.2"))
        assert c.status == "not_achieved"
        assert (s322.status, s322.achieved_children, s322.applicable_children) == (
            "not_achieved",
            2,
            3,
        )
        assert s322.score == Fraction(5, 6)
        assert (s32.status, s32.achieved_children, s32.applicable_children) == (
            "not_achieved",
            4,
            5,
        )
        assert s32.score == (4 + Fraction(5, 6)) / 5
        assert score.total.achieved == 21

    def test_unanswered_child_makes_the_parent_unanswered(self) -> None:
        score = score_organisation(NORM, GEMEENTE, with_changes(GEMEENTE, i3_2_2_A=None))
        assert score.items["3.2.2"].status == "unanswered"
        assert score.items["3.2"].status == "unanswered"
        assert score.items["3.2"].score is None
        assert score.total.answered == 21

    def test_unanswered_beats_not_achieved(self) -> None:
        ratings = with_changes(GEMEENTE, i3_5_A=None, i3_5_B="niet")
        assert score_organisation(NORM, GEMEENTE, ratings).items["3.5"].status == "unanswered"

    def test_all_children_nvt_makes_the_parent_nvt(self) -> None:
        ratings = with_changes(
            GEMEENTE, i3_2_2_A="nvt", i3_2_2_B="nvt", i3_2_2_C="nvt", i3_2_1="niet"
        )
        score = score_organisation(NORM, GEMEENTE, ratings)
        assert score.items["3.2.2"].status == "not_applicable"
        outcome = score.items["3.2"]
        assert (outcome.status, outcome.achieved_children, outcome.applicable_children) == (
            "not_achieved",
            3,
            4,
        )

    def test_province_3_5_uses_only_branches_g_to_i(self) -> None:
        score = score_organisation(NORM, PROVINCIE, with_changes(PROVINCIE, i3_5_G="nvt"))
        outcome = score.items["3.5"]
        assert (outcome.status, outcome.achieved_children, outcome.applicable_children) == (
            "achieved",
            2,
            2,
        )
        ratings = with_changes(PROVINCIE, i3_5_G="nvt", i3_5_H="nvt", i3_5_I="nvt")
        score = score_organisation(NORM, PROVINCIE, ratings)
        assert score.items["3.5"].status == "not_applicable"
        assert score.total.applicable == 10


class TestRule7InvalidInput:
    @pytest.mark.parametrize(
        ("ratings", "message"),
        [
            ({"1.1": "goed"}, "unknown rating 'goed'"),
            ({"9.9": "behaald"}, "unknown item '9.9'"),
            ({"9.9": None}, "unknown item '9.9'"),
            ({"3.2": "behaald"}, "'3.2' is derived"),
            ({"3.2.2": "niet"}, "'3.2.2' is derived"),
        ],
    )
    def test_invalid_ratings_raise(self, ratings: Ratings, message: str) -> None:
        with pytest.raises(ScoringError, match=message):
            score_organisation(NORM, GEMEENTE, ratings)

    def test_region_reports_the_error_too(self) -> None:
        with pytest.raises(ScoringError, match="unknown rating"):
            score_region(NORM, {"urk": (GEMEENTE, {"1.1": "BEHAALD"})})


def item(code: str, parent: str | None = None, **fields: Any) -> Item:
    """A small item for validation tests: theme "1", rated directly, applies to both types."""
    return Item(
        code, **({"theme": "1", "derived": False, "applies_to": BOTH} | fields), parent=parent
    )


class TestModelValidation:
    @pytest.mark.parametrize(
        ("items", "message"),
        [
            ([item("a"), item("a")], "occurs twice"),
            ([item("b", "a"), item("a")], "comes later"),
            ([item("a", derived=True)], "has no children"),
            ([item("a"), item("b", "a", theme="2")], "theme differs"),
            ([item("a", theme="9")], "unknown theme"),
            (
                [item("a", applies_to=ONLY_GEMEENTE), item("b", "a")],
                "applies to provincie, its parent 'a' does not",
            ),
        ],
    )
    def test_invalid_trees(self, items: list[Item], message: str) -> None:
        with pytest.raises(ScoringError, match=message):
            NormModel.build(items, SCALE, ["1", "2"])

    @pytest.mark.parametrize(
        ("scale", "message"),
        [
            ((Level("nvt", not_applicable=True),), "at least one level"),
            ((Level("x"), Level("x")), "occurs twice"),
            ((Level("nee"), Level("ja", achieved=True)), "achieved levels must come before"),
            ((Level("ja", achieved=True, weight=Fraction(1)), Level("nee")), "weight all"),
            (
                (Level("a", weight=Fraction(1, 4)), Level("b", weight=Fraction(1, 2))),
                "weighs more than the better level 'a'",
            ),
        ],
    )
    def test_invalid_scales(self, scale: tuple[Level, ...], message: str) -> None:
        with pytest.raises(ScoringError, match=message):
            NormModel.build([item("a")], scale, ["1"])

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"weight": 0.5}, "must be exact"),
            ({"weight": Fraction(3, 2)}, "outside"),
            ({"not_applicable": True, "achieved": True}, "cannot be achieved"),
            ({"not_applicable": True, "weight": 0}, "carry a weight"),
        ],
    )
    def test_invalid_levels(self, kwargs: dict, message: str) -> None:
        with pytest.raises(ScoringError, match=message):
            Level("x", **kwargs)

    def test_weights_from_the_database_are_exact(self) -> None:
        assert Level("deels", weight=Decimal("0.5000")).weight == Fraction(1, 2)  # type: ignore[arg-type]
        assert Level("ja", weight=1).weight == Fraction(1)  # type: ignore[arg-type]

    def test_nvt_may_stand_anywhere_in_the_scale(self) -> None:
        scale = (Level("nvt", not_applicable=True), Level("ja", achieved=True), Level("nee"))
        norm = NormModel.build([item("a")], scale, ["1"])
        assert [level.code for level in norm.applicable_levels()] == ["ja", "nee"]

    def test_helpers(self) -> None:
        assert NORM.level("deels").weight == Fraction(1, 2)
        assert NORM.item("3.2.2.B").parent == "3.2.2"
        assert NORM.children_of("1.1") == ()
        assert NORM.organisation_types == BOTH
        assert NORM.weighted
        with pytest.raises(ScoringError, match="unknown item"):
            NORM.children_of("nope")


class TestPercentDisplay:
    @pytest.mark.parametrize(
        ("fraction", "places", "expected"),
        [
            (Fraction(119, 143), 0, "83%"),
            (Fraction(119, 143), 1, "83.2%"),
            (Fraction(33, 40), 0, "83%"),  # 82.5 rounds half up, not to even
            (Fraction(329, 400), 0, "82%"),  # 82.25
            (Fraction(1, 8), 1, "12.5%"),
            (Fraction(1, 200), 0, "1%"),  # 0.5
            (Fraction(1), 0, "100%"),
            (Fraction(0), 1, "0.0%"),
            (Fraction(2, 3), 2, "66.67%"),
        ],
    )
    def test_half_up(self, fraction: Fraction, places: int, expected: str) -> None:
        assert as_percent(fraction, places) == expected

    def test_none_and_separator(self) -> None:
        assert as_percent(None) == "—"
        assert as_percent(Fraction(119, 143), 1, decimal_separator=",") == "83,2%"
        assert percent_value(Fraction(119, 143), 1) == Decimal("83.2")
