"""Comparing two rounds item by item. Pure Python over scoring outcomes; the earlier round's
outcomes are first carried into the later round's norm version (analysis/versions.py).

Each item of each organisation gets one change:

- ``improved`` / ``worsened``: applicable in both rounds, and its grade went up or down;
- ``unchanged``: applicable in both, same grade;
- ``new``: applicable now, but not before (a new item, an item that did not apply to the
  organisation, was rated n/a, or an organisation that did not take part);
- ``no_longer_applicable``: applicable before, not now (n/a now, dropped from the norm, or the
  organisation takes no part any more).

Items applicable in neither round are not listed.

The grade orders outcomes as the scoring rules do: achieved above not achieved; then the score
(the level's weight, the derived mean; unanswered counts 0 as in rule 4); then answered above
unanswered; between equal grades, the better level on the scale (or the larger share of
sub-items achieved). So "niet behaald" after "not answered" is an improvement (the
organisation now says where it stands) and the reverse a worsening.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from normmonitor.scoring import ItemOutcome

Change = Literal["improved", "worsened", "unchanged", "new", "no_longer_applicable"]
CHANGES: tuple[Change, ...] = ("improved", "worsened", "new", "no_longer_applicable", "unchanged")


@dataclass(frozen=True)
class ItemChange:
    organisation: str
    item: str  # code in the later version (the earlier code for a dropped item)
    change: Change
    before: ItemOutcome | None
    after: ItemOutcome | None
    relation: str = "same"  # how the item continues across versions (norms/mapping.py)
    sources: tuple[str, ...] = ()  # its code(s) in the earlier version, when they differ

    @property
    def changed(self) -> bool:
        return self.change != "unchanged"


def grade(outcome: ItemOutcome) -> tuple:
    """A sortable grade of an applicable outcome (higher is better): achieved, then the score
    (unanswered counts 0), then answered."""
    return (
        outcome.status == "achieved",
        outcome.score or Fraction(0),
        outcome.status != "unanswered",
    )


def compare_outcomes(before: ItemOutcome, after: ItemOutcome, level_rank: Mapping[str, int]) -> int:
    """-1, 0 or 1 as ``after`` is worse, as good as or better than ``before`` (both
    applicable). Equal grades are told apart by the level on the scale when both were rated,
    or by the share of sub-items achieved when both have sub-items; an item carried across
    versions without a level (a merged item) compares on its grade alone."""
    first, second = grade(before), grade(after)
    if first == second:
        if before.level and after.level:
            first, second = level_rank.get(before.level, 0), level_rank.get(after.level, 0)
        elif before.applicable_children and after.applicable_children:
            first = Fraction(before.achieved_children, before.applicable_children)
            second = Fraction(after.achieved_children, after.applicable_children)
    return (second > first) - (second < first)


def compare_items(
    organisation: str,
    before: Mapping[str, ItemOutcome | None],
    after: Mapping[str, ItemOutcome | None],
    *,
    order: Sequence[str],
    level_rank: Mapping[str, int],
    relations: Mapping[str, tuple[str, tuple[str, ...]]] | None = None,
    dropped: Mapping[str, ItemOutcome | None] | None = None,
) -> list[ItemChange]:
    """The changes of one organisation between two rounds, in the order of ``order`` (the
    later version's codes); ``before`` is already in the later version's codes. ``dropped``
    holds the earlier outcomes of items that have no continuation."""
    relations = relations or {}
    changes: list[ItemChange] = []
    for code in order:
        old, new = before.get(code), after.get(code)
        old_applies = old is not None and old.applicable
        new_applies = new is not None and new.applicable
        relation, sources = relations.get(code, ("same", ()))
        if old_applies and new_applies:
            assert old is not None and new is not None
            direction = compare_outcomes(old, new, level_rank)
            change: Change = (
                "improved" if direction > 0 else "worsened" if direction < 0 else "unchanged"
            )
        elif new_applies:
            change = "new"
        elif old_applies:
            change = "no_longer_applicable"
        else:
            continue
        changes.append(ItemChange(organisation, code, change, old, new, relation, sources))
    for code, old in (dropped or {}).items():
        if old is not None and old.applicable:
            changes.append(
                ItemChange(
                    organisation, code, "no_longer_applicable", old, None, "dropped", (code,)
                )
            )
    return changes


def summary(changes: Sequence[ItemChange]) -> dict[Change, int]:
    counts = Counter(change.change for change in changes)
    return {change: counts.get(change, 0) for change in CHANGES}


__all__ = [
    "CHANGES",
    "Change",
    "ItemChange",
    "compare_items",
    "compare_outcomes",
    "grade",
    "summary",
]
