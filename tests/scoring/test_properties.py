"""Property-based tests: invariants of the scoring engine over random small norms and scales."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import Any, TypeVar

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from normmonitor.scoring import (
    Item,
    Level,
    NormModel,
    OrganisationScore,
    Ratings,
    Tally,
    score_organisation,
    score_region,
)

TYPES = ("gemeente", "provincie", "waterschap")
FAST = settings(max_examples=80, deadline=None)
T = TypeVar("T")


BOOL = st.booleans()
INDEX = st.integers(0, 1000)


def pick(draw: st.DrawFn, options: Sequence[T]) -> T:
    """One of ``options`` (non-empty); cheaper than building a sampled_from per draw."""
    return options[draw(INDEX) % len(options)]


def subset(draw: st.DrawFn, types: Iterable[str]) -> frozenset[str]:
    return frozenset(t for t in sorted(types) if draw(BOOL))


@st.composite
def scales(draw: st.DrawFn, with_na: bool | None = None, min_ranked: int = 1) -> tuple[Level, ...]:
    """1-4 ranked levels (achieved ones first), optionally weighted, maybe an n/a level."""
    size = draw(st.integers(min_ranked, 4))
    achieved = draw(st.integers(0, size))
    weights: list[Fraction | None] = [None] * size
    if draw(BOOL):
        drawn = [draw(st.integers(0, 4)) for _ in range(size)]
        weights = [Fraction(w, 4) for w in sorted(drawn, reverse=True)]
    levels = [Level(f"L{i}", achieved=i < achieved, weight=weights[i]) for i in range(size)]
    if draw(BOOL) if with_na is None else with_na:
        levels.insert(draw(st.integers(0, size)), Level("na", not_applicable=True))
    return tuple(levels)


@st.composite
def norms(draw: st.DrawFn, max_items: int = 10, **scale_options: Any) -> NormModel:
    """A random tree of depth <= 3; derived items always get children."""
    themes = tuple(f"T{i}" for i in range(draw(st.integers(1, 3))))
    items: list[Item] = []
    depth: dict[str, int] = {}
    for i in range(draw(st.integers(1, max_items))):
        parents = [item for item in items if depth[item.code] < 2]
        parent = pick(draw, [None, *parents]) if i else None
        if parent is None:
            theme = pick(draw, themes)
            applies = subset(draw, TYPES) or frozenset({pick(draw, TYPES)})
        else:
            theme = parent.theme
            applies = subset(draw, parent.applies_to)
        code = f"I{i}"
        depth[code] = 0 if parent is None else depth[parent.code] + 1
        items.append(Item(code, theme, parent and parent.code, draw(BOOL), applies))
    has_children = {item.parent for item in items}
    items = [
        dataclasses.replace(it, derived=it.derived and it.code in has_children) for it in items
    ]
    return NormModel.build(items, draw(scales(**scale_options)), themes)


def rateable(norm: NormModel, organisation_type: str) -> list[str]:
    return [i.code for i in norm.items if not i.derived and organisation_type in i.applies_to]


@st.composite
def ratings_for(draw: st.DrawFn, norm: NormModel, organisation_type: str) -> dict[str, str | None]:
    """Some items rated, some None, some missing."""
    choices = [None, None, *(level.code for level in norm.scale)]
    ratings = {code: pick(draw, choices) for code in rateable(norm, organisation_type)}
    return {code: level for code, level in ratings.items() if level is not None or draw(BOOL)}


@st.composite
def cases(draw: st.DrawFn, **scale_options: Any) -> tuple[NormModel, str, dict[str, str | None]]:
    norm = draw(norms(**scale_options))
    organisation_type = pick(draw, sorted(norm.organisation_types))
    return norm, organisation_type, draw(ratings_for(norm, organisation_type))


@st.composite
def regions(draw: st.DrawFn) -> tuple[NormModel, dict[str, tuple[str, Ratings]]]:
    norm = draw(norms())
    organisations: dict[str, tuple[str, Ratings]] = {}
    for i in range(draw(st.integers(0, 4))):
        organisation_type = pick(draw, sorted(norm.organisation_types))
        organisations[f"O{i}"] = (organisation_type, draw(ratings_for(norm, organisation_type)))
    return norm, organisations


def figures(tally: Tally) -> tuple[Fraction | None, Fraction | None]:
    return tally.percentage, tally.weighted_percentage


def not_lower(before: Fraction | None, after: Fraction | None) -> bool:
    return before is None or (after is not None and after >= before)


def all_tallies(score: OrganisationScore) -> list[Tally]:
    return [score.total, *score.by_theme.values()]


@FAST
@given(cases())
def test_percentages_lie_in_the_unit_interval(case: tuple) -> None:
    norm, organisation_type, ratings = case
    score = score_organisation(norm, organisation_type, ratings)
    for tally in all_tallies(score):
        assert tally.achieved <= tally.answered <= tally.applicable
        for figure in (tally.percentage, tally.weighted_percentage, tally.completeness):
            assert figure is None or 0 <= figure <= 1
        assert (tally.weighted_percentage is None) == (not norm.weighted or tally.applicable == 0)
    assert score.total == Tally.total(score.by_theme.values())
    assert score.total.applicable == sum(score.items[a.code].applicable for a in norm.ambitions())


@FAST
@given(cases(min_ranked=2), st.data())
def test_raising_a_rating_never_lowers_any_figure(case: tuple, data: st.DataObject) -> None:
    norm, organisation_type, ratings = case
    items = rateable(norm, organisation_type)
    assume(items)
    code = data.draw(st.sampled_from(items))
    ranked = [level.code for level in norm.applicable_levels()]
    high, low = sorted(
        data.draw(
            st.lists(st.sampled_from(range(len(ranked))), min_size=2, max_size=2, unique=True)
        )
    )
    ratings, better = {**ratings, code: ranked[low]}, ranked[high]
    before = score_organisation(norm, organisation_type, ratings)
    after = score_organisation(norm, organisation_type, {**ratings, code: better})
    for old, new in zip(all_tallies(before), all_tallies(after), strict=True):
        assert new.applicable == old.applicable and new.achieved >= old.achieved
        for old_figure, new_figure in zip(figures(old), figures(new), strict=True):
            assert not_lower(old_figure, new_figure)
    # and in a region, next to another organisation
    other = (organisation_type, data.draw(ratings_for(norm, organisation_type)))
    region_before = score_region(norm, {"x": (organisation_type, ratings), "y": other})
    region_after = score_region(
        norm, {"x": (organisation_type, {**ratings, code: better}), "y": other}
    )
    for old, new in zip(
        [region_before.total, *region_before.by_theme.values()],
        [region_after.total, *region_after.by_theme.values()],
        strict=True,
    ):
        for old_figure, new_figure in zip(figures(old), figures(new), strict=True):
            assert not_lower(old_figure, new_figure)


@FAST
@given(cases(), st.data())
def test_answering_never_lowers_the_percentage(case: tuple, data: st.DataObject) -> None:
    norm, organisation_type, ratings = case
    open_items = [c for c in rateable(norm, organisation_type) if ratings.get(c) is None]
    assume(open_items)
    code = data.draw(st.sampled_from(open_items))
    level = data.draw(st.sampled_from([level.code for level in norm.scale]))
    before = score_organisation(norm, organisation_type, ratings).total
    after = score_organisation(norm, organisation_type, {**ratings, code: level}).total
    if after.applicable:  # answering n/a to the last applicable item leaves nothing to show
        assert not_lower(before.percentage, after.percentage)
        assert not_lower(before.weighted_percentage, after.weighted_percentage)
        assert not_lower(before.completeness, after.completeness)


def na_level(norm: NormModel) -> str | None:
    return next((level.code for level in norm.scale if level.not_applicable), None)


@FAST
@given(cases(with_na=True), st.data())
def test_rating_nvt_is_the_same_as_removing_the_item(case: tuple, data: st.DataObject) -> None:
    norm, organisation_type, ratings = case
    na = na_level(norm)
    assume(na is not None)
    # a directly rated leaf whose removal leaves a valid tree (a derived parent keeps a child)
    leaves = [
        item
        for item in norm.items
        if item.code in rateable(norm, organisation_type)
        and not norm.children_of(item.code)
        and (item.parent is None or len(norm.children_of(item.parent)) > 1)
    ]
    assume(leaves)
    leaf = data.draw(st.sampled_from(leaves))
    removed = NormModel.build([i for i in norm.items if i != leaf], norm.scale, norm.themes)
    assume(organisation_type in removed.organisation_types)
    rest = {code: level for code, level in ratings.items() if code != leaf.code}
    with_na = score_organisation(norm, organisation_type, {**rest, leaf.code: na})
    without = score_organisation(removed, organisation_type, rest)
    assert with_na.total == without.total
    assert with_na.by_theme == without.by_theme
    assert {c: o for c, o in with_na.items.items() if c != leaf.code} == without.items


@FAST
@given(cases(with_na=True), st.data())
def test_adding_an_nvt_item_changes_nothing(case: tuple, data: st.DataObject) -> None:
    norm, organisation_type, ratings = case
    na = na_level(norm)
    assume(na is not None)
    parent = data.draw(st.sampled_from([None, *norm.items]))
    theme = parent.theme if parent else data.draw(st.sampled_from(norm.themes))
    applies = parent.applies_to if parent else frozenset({organisation_type})
    extra = Item("NEW", theme, parent and parent.code, False, applies)
    grown = NormModel.build([*norm.items, extra], norm.scale, norm.themes)
    new_ratings = {**ratings, "NEW": na} if organisation_type in applies else ratings
    before = score_organisation(norm, organisation_type, ratings)
    after = score_organisation(grown, organisation_type, new_ratings)
    assert after.total == before.total
    assert after.by_theme == before.by_theme
    assert {c: o for c, o in after.items.items() if c != "NEW"} == before.items


@FAST
@given(cases(), st.data())
def test_excluded_items_never_affect_anything(case: tuple, data: st.DataObject) -> None:
    norm, organisation_type, ratings = case
    extra: list[Item] = []
    for i in range(data.draw(st.integers(1, 3))):
        parent = data.draw(st.sampled_from([None, *norm.items, *extra]))
        others = (parent.applies_to if parent else frozenset(TYPES)) - {organisation_type}
        applies = subset(data.draw, others)
        theme = parent.theme if parent else data.draw(st.sampled_from(norm.themes))
        extra.append(Item(f"X{i}", theme, parent and parent.code, False, applies))
    grown = NormModel.build([*norm.items, *extra], norm.scale, norm.themes)
    before = score_organisation(norm, organisation_type, ratings)
    after = score_organisation(grown, organisation_type, ratings)
    assert after.total == before.total
    assert after.by_theme == before.by_theme
    assert all(after.items[item.code].status == "excluded" for item in extra)
    # parents keep their outcome, including the "3 of 5" counts
    assert {c: o for c, o in after.items.items() if not c.startswith("X")} == before.items


@FAST
@given(regions())
def test_region_total_is_the_sum_of_the_organisations(case: tuple) -> None:
    norm, organisations = case
    region = score_region(norm, organisations)
    scores = [score_organisation(norm, t, r) for t, r in organisations.values()]
    assert list(region.by_organisation.values()) == scores
    assert region.total == Tally.total(score.total for score in scores)
    for theme in norm.themes:
        assert region.by_theme[theme] == Tally.total(s.by_theme[theme] for s in scores)
    assert Tally.total(region.by_ambition.values()) == region.total
    assert Tally.total(region.by_theme.values()) == region.total
    # the pooled figure lies between the lowest and highest organisation (a mediant)
    shares = [s.total.percentage for s in scores if s.total.percentage is not None]
    if shares:
        assert region.total.percentage is not None
        assert min(shares) <= region.total.percentage <= max(shares)
        assert region.mean_of_organisations is not None
        assert min(shares) <= region.mean_of_organisations <= max(shares)
    else:
        assert region.total.percentage is None and region.mean_of_organisations is None


@FAST
@given(regions(), st.randoms(use_true_random=False))
def test_order_of_organisations_does_not_matter(case: tuple, random: object) -> None:
    norm, organisations = case
    shuffled = list(organisations.items())
    random.shuffle(shuffled)  # type: ignore[attr-defined]
    first, second = score_region(norm, organisations), score_region(norm, dict(shuffled))
    assert first.total == second.total
    assert first.by_theme == second.by_theme
    assert first.by_ambition == second.by_ambition
    assert first.by_organisation == second.by_organisation  # dict equality ignores order
    assert first.mean_of_organisations == second.mean_of_organisations
