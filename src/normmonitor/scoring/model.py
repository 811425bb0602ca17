"""Input types for the scoring engine: a norm as a validated, immutable tree plus its rating scale.

Pure Python, no Django. The rules these types enforce are described in docs/scoring.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import pairwise

Ratings = Mapping[str, str | None]
"""Item code -> level code for directly rated items; None or a missing key means unanswered."""


class ScoringError(ValueError):
    """Invalid norm model or invalid ratings. Never swallowed by the engine."""


@dataclass(frozen=True)
class Level:
    """One level of the rating scale. The scale is ordered from best to worst."""

    code: str
    achieved: bool = False
    weight: Fraction | None = None
    not_applicable: bool = False

    def __post_init__(self) -> None:
        if not self.code:
            raise ScoringError("a scale level needs a code")
        if self.weight is not None:
            if isinstance(self.weight, float | bool):
                raise ScoringError(
                    f"level {self.code!r}: weight must be exact (Fraction, int, Decimal or str), "
                    f"not {type(self.weight).__name__}"
                )
            weight = Fraction(self.weight)  # accepts int, Decimal ("0.5000" from the DB) and str
            if not 0 <= weight <= 1:
                raise ScoringError(f"level {self.code!r}: weight {weight} is outside [0, 1]")
            object.__setattr__(self, "weight", weight)
        if self.not_applicable and (self.achieved or self.weight is not None):
            raise ScoringError(
                f"level {self.code!r}: a not-applicable level cannot be achieved or carry a weight"
            )


@dataclass(frozen=True)
class Item:
    """A requirement in the norm tree. ``parent is None`` makes it an ambition (top level)."""

    code: str
    theme: str
    parent: str | None
    derived: bool
    applies_to: frozenset[str]

    def __post_init__(self) -> None:
        if not self.code:
            raise ScoringError("an item needs a code")
        if isinstance(self.applies_to, str):
            raise ScoringError(f"item {self.code!r}: applies_to must be a collection of types")
        object.__setattr__(self, "applies_to", frozenset(self.applies_to))


@dataclass(frozen=True)
class NormModel:
    """A validated norm: items in tree order (parents before children), scale, theme order."""

    items: tuple[Item, ...]
    scale: tuple[Level, ...]
    themes: tuple[str, ...]
    _by_code: Mapping[str, Item] = field(init=False, repr=False, compare=False)
    _children: Mapping[str, tuple[Item, ...]] = field(init=False, repr=False, compare=False)
    _levels: Mapping[str, Level] = field(init=False, repr=False, compare=False)
    derived_data: dict[object, object] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )
    """What the engine works out once per model (its plans per organisation type). The model is
    immutable, so nothing in here goes stale."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "items", tuple(self.items))
        object.__setattr__(self, "scale", tuple(self.scale))
        object.__setattr__(self, "themes", tuple(self.themes))
        object.__setattr__(self, "_levels", _validate_scale(self.scale))
        by_code, children = _validate_items(self.items, self.themes)
        object.__setattr__(self, "_by_code", by_code)
        object.__setattr__(self, "_children", children)
        object.__setattr__(self, "_level_codes", frozenset(self._levels))
        object.__setattr__(self, "_ambitions", tuple(i for i in self.items if i.parent is None))
        object.__setattr__(self, "_weighted", any(level.weight is not None for level in self.scale))
        object.__setattr__(
            self, "_types", frozenset().union(*(item.applies_to for item in self.items))
        )

    @classmethod
    def build(
        cls, items: Iterable[Item], scale: Iterable[Level], themes: Iterable[str]
    ) -> NormModel:
        """Construct from any iterables (lists, query results); validation as in the constructor."""
        return cls(items=tuple(items), scale=tuple(scale), themes=tuple(themes))

    def item(self, code: str) -> Item:
        try:
            return self._by_code[code]
        except KeyError:
            raise ScoringError(f"unknown item {code!r}") from None

    def children_of(self, code: str) -> tuple[Item, ...]:
        self.item(code)
        return self._children.get(code, ())

    def level(self, code: str) -> Level:
        try:
            return self._levels[code]
        except KeyError:
            known = ", ".join(level.code for level in self.scale)
            raise ScoringError(f"unknown rating {code!r}; the scale has: {known}") from None

    def ambitions(self) -> tuple[Item, ...]:
        return self._ambitions  # type: ignore[attr-defined]

    @property
    def weighted(self) -> bool:
        """True when the scale carries weights (then every applicable level has one)."""
        return self._weighted  # type: ignore[attr-defined]

    @property
    def organisation_types(self) -> frozenset[str]:
        return self._types  # type: ignore[attr-defined]

    @property
    def level_codes(self) -> frozenset[str]:
        return self._level_codes  # type: ignore[attr-defined]

    def applicable_levels(self) -> tuple[Level, ...]:
        """The scale without its not-applicable levels, best first."""
        return tuple(level for level in self.scale if not level.not_applicable)


def _validate_scale(scale: tuple[Level, ...]) -> dict[str, Level]:
    levels: dict[str, Level] = {}
    for level in scale:
        if level.code in levels:
            raise ScoringError(f"scale level {level.code!r} occurs twice")
        levels[level.code] = level
    ranked = [level for level in scale if not level.not_applicable]
    if not ranked:
        raise ScoringError("the scale needs at least one level that is not 'not applicable'")
    # Raising a rating must never lower a percentage, so the achieved levels come first ...
    first_not_achieved = next((i for i, lv in enumerate(ranked) if not lv.achieved), len(ranked))
    if any(level.achieved for level in ranked[first_not_achieved:]):
        raise ScoringError("achieved levels must come before the not-achieved levels (best first)")
    # ... the weights never increase towards the worse end ...
    weights = [level.weight for level in ranked]
    if any(w is not None for w in weights):
        # ... and a scale is weighted on all its applicable levels or on none (docs/scoring.md).
        missing = [level.code for level in ranked if level.weight is None]
        if missing:
            raise ScoringError(
                f"levels {', '.join(missing)} have no weight; weight all applicable levels or none"
            )
        for better, worse in pairwise(ranked):
            assert better.weight is not None and worse.weight is not None
            if worse.weight > better.weight:
                raise ScoringError(
                    f"level {worse.code!r} weighs more than the better level {better.code!r}"
                )
    return levels


def _validate_items(
    items: tuple[Item, ...], themes: tuple[str, ...]
) -> tuple[dict[str, Item], dict[str, tuple[Item, ...]]]:
    if len(set(themes)) != len(themes):
        raise ScoringError("theme codes must be unique")
    by_code: dict[str, Item] = {}
    children: dict[str, list[Item]] = {}
    for item in items:
        if item.code in by_code:
            raise ScoringError(f"item {item.code!r} occurs twice")
        if item.theme not in themes:
            raise ScoringError(f"item {item.code!r}: unknown theme {item.theme!r}")
        if item.parent is not None:
            parent = by_code.get(item.parent)
            if parent is None:
                raise ScoringError(
                    f"item {item.code!r}: parent {item.parent!r} is unknown or comes later "
                    "(items must be in tree order)"
                )
            if item.theme != parent.theme:
                raise ScoringError(f"item {item.code!r}: theme differs from parent {parent.code!r}")
            if not item.applies_to <= parent.applies_to:
                extra = ", ".join(sorted(item.applies_to - parent.applies_to))
                raise ScoringError(
                    f"item {item.code!r} applies to {extra}, its parent {parent.code!r} does not"
                )
            children.setdefault(parent.code, []).append(item)
        by_code[item.code] = item
    for item in items:
        if item.derived and item.code not in children:
            raise ScoringError(f"derived item {item.code!r} has no children to derive from")
    return by_code, {code: tuple(kids) for code, kids in children.items()}


__all__ = ["Item", "Level", "NormModel", "Ratings", "ScoringError"]
