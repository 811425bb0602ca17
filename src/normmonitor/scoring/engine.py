"""The scoring engine: from a norm model and ratings to exact tallies and percentages.

Pure functions over immutable inputs; all arithmetic in Fraction. The rules are in
docs/scoring.md, the numbers in comments below refer to them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Literal

from .model import Item, NormModel, Ratings, ScoringError

Status = Literal["achieved", "not_achieved", "unanswered", "not_applicable", "excluded"]
APPLICABLE: frozenset[str] = frozenset({"achieved", "not_achieved", "unanswered"})


@dataclass(frozen=True)
class ItemOutcome:
    """How one item came out for one organisation.

    ``level`` is the level code given (directly rated items only). ``score`` is the weight of that
    level, or for a derived item the mean of its applicable children's scores; None when the
    item is not answered, not applicable, excluded or the scale has no weights.
    ``achieved_children``/``applicable_children`` count the direct children ("3 van 5 onderdelen").
    """

    code: str
    status: Status
    level: str | None = None
    score: Fraction | None = None
    achieved_children: int = 0
    applicable_children: int = 0

    @property
    def applicable(self) -> bool:
        return self.status in APPLICABLE


@dataclass(frozen=True)
class Tally:
    """Counts over applicable items; percentages are derived, so sums of tallies stay exact."""

    achieved: int = 0
    applicable: int = 0
    answered: int = 0
    weighted_sum: Fraction = Fraction(0)
    weighted_count: int = 0

    def __add__(self, other: Tally) -> Tally:
        if not isinstance(other, Tally):
            return NotImplemented
        return Tally(
            achieved=self.achieved + other.achieved,
            applicable=self.applicable + other.applicable,
            answered=self.answered + other.answered,
            weighted_sum=self.weighted_sum + other.weighted_sum,
            weighted_count=self.weighted_count + other.weighted_count,
        )

    @classmethod
    def total(cls, tallies: Iterable[Tally]) -> Tally:
        return sum(tallies, cls())

    @property
    def percentage(self) -> Fraction | None:
        """Share of applicable items achieved; None when nothing applies."""
        return Fraction(self.achieved, self.applicable) if self.applicable else None

    @property
    def weighted_percentage(self) -> Fraction | None:
        """Mean weight over applicable items (unanswered = 0); None for an unweighted scale."""
        return self.weighted_sum / self.weighted_count if self.weighted_count else None

    @property
    def completeness(self) -> Fraction | None:
        """Share of applicable items that have an answer; None when nothing applies."""
        return Fraction(self.answered, self.applicable) if self.applicable else None


@dataclass(frozen=True)
class OrganisationScore:
    total: Tally
    by_theme: dict[str, Tally]
    items: dict[str, ItemOutcome]


@dataclass(frozen=True)
class RegionScore:
    total: Tally
    by_theme: dict[str, Tally]
    by_organisation: dict[str, OrganisationScore]
    by_ambition: dict[str, Tally] = field(default_factory=dict)

    @property
    def mean_of_organisations(self) -> Fraction | None:
        """Secondary figure: unweighted mean of the organisations' own percentages.

        Organisations to which nothing applies are left out; None when none remain. Not the
        headline: it gives the province's 11 ambitions the same say as a municipality's 22.
        """
        shares = [
            score.total.percentage
            for score in self.by_organisation.values()
            if score.total.percentage is not None
        ]
        return sum(shares, Fraction(0)) / len(shares) if shares else None


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


def percent_value(fraction: Fraction, places: int = 0) -> Decimal:
    """``fraction`` as a percentage rounded half up (away from zero) to ``places`` decimals.

    Exact: the rounding works on the Fraction, never on a float, so 33/40 = 82.5% gives 83.
    """
    scaled = Fraction(fraction) * 100 * 10**places
    magnitude = (abs(scaled) * 2 + 1) // 2  # floor(|x| + 1/2): half up
    return Decimal(magnitude if scaled >= 0 else -magnitude).scaleb(-places)


def as_percent(
    fraction: Fraction | None, places: int = 0, *, decimal_separator: str = ".", missing: str = "—"
) -> str:
    """Display form: ``as_percent(Fraction(119, 143)) == "83%"``; None gives ``missing``."""
    if fraction is None:
        return missing
    return f"{percent_value(fraction, places)}%".replace(".", decimal_separator)


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
