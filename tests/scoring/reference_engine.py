"""The scoring rules written the plain way, item by item, as the engine had them first.

Kept only as the oracle for tests/scoring/test_reference.py: the optimised engine in
normmonitor.scoring.engine must give exactly these results for every norm and rating.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

from normmonitor.scoring.engine import ItemOutcome, OrganisationScore, RegionScore, Status, Tally
from normmonitor.scoring.model import Item, NormModel, Ratings, ScoringError


def score_organisation(
    norm: NormModel, organisation_type: str, ratings: Ratings
) -> OrganisationScore:
    """Score one organisation's ratings against the norm (rules 1-7 of docs/scoring.md)."""
    if organisation_type not in norm.organisation_types:
        known = ", ".join(sorted(norm.organisation_types))
        raise ScoringError(
            f"unknown organisation type {organisation_type!r}; the norm has: {known}"
        )
    _check_ratings(norm, organisation_type, ratings)

    outcomes: dict[str, ItemOutcome] = {}
    for item in reversed(norm.items):  # children before parents
        children = [outcomes[child.code] for child in norm.children_of(item.code)]
        outcomes[item.code] = _outcome(norm, item, organisation_type, ratings, children)
    ordered = {item.code: outcomes[item.code] for item in norm.items}

    by_theme = {theme: Tally() for theme in norm.themes}
    for ambition in norm.ambitions():
        by_theme[ambition.theme] += _tally(ordered[ambition.code], norm.weighted)
    return OrganisationScore(total=Tally.total(by_theme.values()), by_theme=by_theme, items=ordered)


def score_region(norm: NormModel, organisations: Mapping[str, tuple[str, Ratings]]) -> RegionScore:
    """Pool all organisations: region figures are sums of tallies, not means of percentages."""
    by_organisation = {
        code: score_organisation(norm, organisation_type, ratings)
        for code, (organisation_type, ratings) in organisations.items()
    }
    scores = list(by_organisation.values())
    return RegionScore(
        total=Tally.total(score.total for score in scores),
        by_theme={
            theme: Tally.total(score.by_theme[theme] for score in scores) for theme in norm.themes
        },
        by_organisation=by_organisation,
        by_ambition={
            ambition.code: Tally.total(
                _tally(score.items[ambition.code], norm.weighted) for score in scores
            )
            for ambition in norm.ambitions()
        },
    )


def _check_ratings(norm: NormModel, organisation_type: str, ratings: Ratings) -> None:
    """Rule 7: every entry must name a known item and, when not None, a level on the scale."""
    for code, level_code in ratings.items():
        item = norm.item(code)  # raises for an unknown item
        if level_code is None:
            continue
        norm.level(level_code)  # raises for a code not on the scale
        if item.derived:
            raise ScoringError(
                f"item {code!r} is derived from its sub-items and cannot be rated directly"
            )
        if organisation_type not in item.applies_to:
            raise ScoringError(
                f"item {code!r} does not apply to {organisation_type!r} "
                f"but was rated {level_code!r}"
            )


def _outcome(
    norm: NormModel,
    item: Item,
    organisation_type: str,
    ratings: Ratings,
    children: list[ItemOutcome],
) -> ItemOutcome:
    applicable = [child for child in children if child.applicable]
    achieved_children = sum(child.status == "achieved" for child in applicable)
    counts = {"achieved_children": achieved_children, "applicable_children": len(applicable)}

    if organisation_type not in item.applies_to:  # rule 2
        return ItemOutcome(item.code, "excluded")

    if item.derived:  # rule 6
        if not applicable:
            return ItemOutcome(item.code, "not_applicable", **counts)
        if any(child.status == "unanswered" for child in applicable):
            return ItemOutcome(item.code, "unanswered", **counts)
        scores = [child.score for child in applicable if child.score is not None]
        score = sum(scores, Fraction(0)) / len(scores) if len(scores) == len(applicable) else None
        status: Status = "achieved" if achieved_children == len(applicable) else "not_achieved"
        return ItemOutcome(item.code, status, None, score, **counts)

    level_code = ratings.get(item.code)
    if level_code is None:  # rule 4
        return ItemOutcome(item.code, "unanswered", **counts)
    level = norm.level(level_code)
    if level.not_applicable:  # rule 3
        return ItemOutcome(item.code, "not_applicable", level.code, **counts)
    status = "achieved" if level.achieved else "not_achieved"  # rule 5: partial is not achieved
    return ItemOutcome(item.code, status, level.code, level.weight, **counts)


def _tally(outcome: ItemOutcome, weighted: bool) -> Tally:
    """One item's contribution to a headline tally (rules 1-5)."""
    if not outcome.applicable:
        return Tally()
    answered = outcome.status != "unanswered"
    return Tally(
        achieved=int(outcome.status == "achieved"),
        applicable=1,
        answered=int(answered),
        weighted_sum=(outcome.score or Fraction(0)) if weighted else Fraction(0),
        weighted_count=int(weighted),
    )
