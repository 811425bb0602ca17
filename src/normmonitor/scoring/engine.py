"""The scoring engine: from a norm model and ratings to exact tallies and percentages.

Pure functions over immutable inputs; all arithmetic exact (int and Fraction). The rules are in
docs/scoring.md, the numbers in comments below refer to them. A national round scores hundreds
of organisations against one norm, so the per-norm work is done once per organisation type
(``_plan``) and leaf outcomes are shared, immutable objects. tests/scoring/test_reference.py
holds the engine to the plain item-by-item version of the same rules.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Literal

from .model import NormModel, Ratings, ScoringError

Status = Literal["achieved", "not_achieved", "unanswered", "not_applicable", "excluded"]
APPLICABLE: frozenset[str] = frozenset({"achieved", "not_achieved", "unanswered"})


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
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
        return _sum(tallies)

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


_tokens = itertools.count(1)


@dataclass(frozen=True)
class RegionScore:
    total: Tally
    by_theme: dict[str, Tally]
    by_organisation: dict[str, OrganisationScore]
    by_ambition: dict[str, Tally] = field(default_factory=dict)
    token: int = field(default_factory=lambda: next(_tokens), compare=False, repr=False)
    """Unique in this process, never reused: lets callers remember what they derive from this
    score (``derived_data``) and key it by the scores it came from."""
    derived_data: dict[object, object] = field(default_factory=dict, compare=False, repr=False)

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
    plan = _plan(norm, organisation_type)
    _check_ratings(norm, organisation_type, ratings, plan)

    outcomes: list[ItemOutcome] = [_UNSET] * len(plan.codes)
    for step in plan.steps:  # children before parents
        outcomes[step.index] = _outcome(step, ratings, outcomes)
    items = dict(zip(plan.codes, outcomes, strict=True))

    by_theme = {
        theme: _tally_of([outcomes[index] for index in indices], plan.weighted)
        for theme, indices in plan.ambitions_by_theme.items()
    }
    return OrganisationScore(total=_sum(by_theme.values()), by_theme=by_theme, items=items)


def score_region(norm: NormModel, organisations: Mapping[str, tuple[str, Ratings]]) -> RegionScore:
    """Pool all organisations: region figures are sums of tallies, not means of percentages."""
    return pool(
        norm,
        {
            code: score_organisation(norm, organisation_type, ratings)
            for code, (organisation_type, ratings) in organisations.items()
        },
    )


def pool(norm: NormModel, by_organisation: Mapping[str, OrganisationScore]) -> RegionScore:
    """The region figures of already scored organisations (any subset of a region's scores)."""
    scores = list(by_organisation.values())
    weighted = norm.weighted
    return RegionScore(
        total=_sum(score.total for score in scores),
        by_theme={theme: _sum(score.by_theme[theme] for score in scores) for theme in norm.themes},
        by_organisation=dict(by_organisation),
        by_ambition={
            ambition.code: _tally_of([score.items[ambition.code] for score in scores], weighted)
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


@dataclass(frozen=True, slots=True)
class _Step:
    """One item of a plan: what scoring it for the plan's organisation type needs."""

    index: int
    code: str
    applies: bool
    derived: bool
    children: tuple[int, ...]
    by_level: Mapping[str, ItemOutcome]  # outcome of a leaf per level code, built once
    unanswered: ItemOutcome
    excluded: ItemOutcome


@dataclass(frozen=True, slots=True)
class _Plan:
    """A norm prepared for one organisation type: items as indices, children first."""

    codes: tuple[str, ...]
    steps: tuple[_Step, ...]
    ambitions_by_theme: Mapping[str, tuple[int, ...]]
    rateable: frozenset[str]
    weighted: bool


def _plan(norm: NormModel, organisation_type: str) -> _Plan:
    """The plan for ``organisation_type``, built once per norm model and type.

    Scoring a national round scores every organisation against the same norm, so everything
    that depends only on the norm and the type is worked out here, once."""
    plan = norm.derived_data.get(("plan", organisation_type))
    if plan is not None:
        return plan
    if organisation_type not in norm.organisation_types:
        known = ", ".join(sorted(norm.organisation_types))
        raise ScoringError(
            f"unknown organisation type {organisation_type!r}; the norm has: {known}"
        )
    index = {item.code: position for position, item in enumerate(norm.items)}
    steps = []
    for item in reversed(norm.items):
        applies = organisation_type in item.applies_to
        by_level: dict[str, ItemOutcome] = {}
        for level in norm.scale:
            if level.not_applicable:  # rule 3
                by_level[level.code] = ItemOutcome(item.code, "not_applicable", level.code)
            else:  # rule 5: partial is not achieved
                status: Status = "achieved" if level.achieved else "not_achieved"
                by_level[level.code] = ItemOutcome(item.code, status, level.code, level.weight)
        steps.append(
            _Step(
                index=index[item.code],
                code=item.code,
                applies=applies,
                derived=item.derived,
                children=tuple(index[child.code] for child in norm.children_of(item.code)),
                by_level=by_level,
                unanswered=ItemOutcome(item.code, "unanswered"),
                excluded=ItemOutcome(item.code, "excluded"),
            )
        )
    ambitions_by_theme: dict[str, list[int]] = {theme: [] for theme in norm.themes}
    for ambition in norm.ambitions():
        ambitions_by_theme[ambition.theme].append(index[ambition.code])
    plan = _Plan(
        codes=tuple(item.code for item in norm.items),
        steps=tuple(steps),
        ambitions_by_theme={theme: tuple(found) for theme, found in ambitions_by_theme.items()},
        rateable=frozenset(
            item.code
            for item in norm.items
            if not item.derived and organisation_type in item.applies_to
        ),
        weighted=norm.weighted,
    )
    norm.derived_data[("plan", organisation_type)] = plan
    return plan


_UNSET = ItemOutcome("?", "excluded")


def _check_ratings(norm: NormModel, organisation_type: str, ratings: Ratings, plan: _Plan) -> None:
    """Rule 7: every entry must name a known item and, when not None, a level on the scale."""
    rateable, levels = plan.rateable, norm.level_codes
    for code, level_code in ratings.items():
        if code in rateable and (level_code is None or level_code in levels):
            continue  # the common case, decided without building an error
        item = norm.item(code)  # raises for an unknown item
        if level_code is None:
            continue
        norm.level(level_code)  # raises for a code not on the scale
        if item.derived:
            raise ScoringError(
                f"item {code!r} is derived from its sub-items and cannot be rated directly"
            )
        raise ScoringError(
            f"item {code!r} does not apply to {organisation_type!r} but was rated {level_code!r}"
        )


def _outcome(step: _Step, ratings: Ratings, outcomes: list[ItemOutcome]) -> ItemOutcome:
    if not step.children:
        if not step.applies:  # rule 2
            return step.excluded
        level_code = ratings.get(step.code)
        return step.unanswered if level_code is None else step.by_level[level_code]  # rules 3-5

    applicable = [
        child for child in (outcomes[index] for index in step.children) if child.applicable
    ]
    achieved_children = sum(child.status == "achieved" for child in applicable)
    counts = {"achieved_children": achieved_children, "applicable_children": len(applicable)}

    if not step.applies:  # rule 2
        return step.excluded

    if step.derived:  # rule 6
        if not applicable:
            return ItemOutcome(step.code, "not_applicable", **counts)
        if any(child.status == "unanswered" for child in applicable):
            return ItemOutcome(step.code, "unanswered", **counts)
        scores = [child.score for child in applicable if child.score is not None]
        score = sum(scores, Fraction(0)) / len(scores) if len(scores) == len(applicable) else None
        status: Status = "achieved" if achieved_children == len(applicable) else "not_achieved"
        return ItemOutcome(step.code, status, None, score, **counts)

    level_code = ratings.get(step.code)
    if level_code is None:  # rule 4
        return ItemOutcome(step.code, "unanswered", **counts)
    rated = step.by_level[level_code]
    return ItemOutcome(step.code, rated.status, rated.level, rated.score, **counts)


def _tally_of(outcomes: Iterable[ItemOutcome], weighted: bool) -> Tally:
    """The headline tally of some items' outcomes (rules 1-5): counts stay integers, and the
    weighted sum adds whole scores as integers so that few Fraction additions remain."""
    achieved = applicable = answered = whole = 0
    parts: list[Fraction] = []
    for outcome in outcomes:
        status = outcome.status
        if status not in APPLICABLE:
            continue
        applicable += 1
        if status != "unanswered":
            answered += 1
            if status == "achieved":
                achieved += 1
        score = outcome.score
        if weighted and score:
            if score.denominator == 1:
                whole += score.numerator
            else:
                parts.append(score)
    return Tally(
        achieved=achieved,
        applicable=applicable,
        answered=answered,
        weighted_sum=sum(parts, Fraction(whole)),
        weighted_count=applicable if weighted else 0,
    )


def _sum(tallies: Iterable[Tally]) -> Tally:
    """``Tally.total`` without a Fraction addition for every whole weighted sum."""
    achieved = applicable = answered = weighted_count = whole = 0
    parts: list[Fraction] = []
    for tally in tallies:
        achieved += tally.achieved
        applicable += tally.applicable
        answered += tally.answered
        weighted_count += tally.weighted_count
        weighted_sum = tally.weighted_sum
        if weighted_sum.denominator == 1:
            whole += weighted_sum.numerator
        else:
            parts.append(weighted_sum)
    return Tally(achieved, applicable, answered, sum(parts, Fraction(whole)), weighted_count)
