"""Carrying scoring outcomes from one norm version into another through the item mapping
(norms/mapping.py), so that trends and comparisons run on across versions. Pure Python.

Per link of the mapping, an item of the later version takes:

- ``same`` / ``split``: the outcome of its one predecessor (each part of a split item inherits
  the whole item's outcome);
- ``merged``: the outcome its predecessors would have as the sub-items of a derived item
  (rule 6 of docs/scoring.md): achieved only when every applicable predecessor is achieved;
- ``new``: no outcome (None): there is nothing to compare it with.

Items of the earlier version that were ``dropped`` have no continuation. Finally the target
norm's applicability decides: an item that does not apply to the organisation's type is
excluded, and an item that now applies but did not before has no outcome.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from fractions import Fraction

from normmonitor.norms.mapping import ItemMap
from normmonitor.scoring import ItemOutcome, NormModel, Tally

Outcomes = Mapping[str, ItemOutcome | None]


def translate(
    outcomes: Outcomes,
    steps: Sequence[ItemMap],
    target: NormModel | None = None,
    organisation_type: str | None = None,
) -> dict[str, ItemOutcome | None]:
    """The outcomes of one organisation expressed in the codes at the end of ``steps`` (an
    empty chain returns a copy). With ``target`` and ``organisation_type`` the target norm's
    applicability is applied last."""
    current: dict[str, ItemOutcome | None] = dict(outcomes)
    for step in steps:
        current = _step(current, step)
    if target is None or organisation_type is None:
        return current
    result: dict[str, ItemOutcome | None] = {}
    for item in target.items:
        outcome = current.get(item.code)
        if organisation_type not in item.applies_to:
            result[item.code] = ItemOutcome(item.code, "excluded")
        elif outcome is None or outcome.status == "excluded":
            result[item.code] = None
        else:
            result[item.code] = outcome
    return result


def _step(outcomes: Mapping[str, ItemOutcome | None], item_map: ItemMap) -> dict:
    result: dict[str, ItemOutcome | None] = {}
    for link in item_map.links:
        if link.relation == "dropped":
            continue
        if link.relation == "new":
            for code in link.targets:
                result[code] = None
        elif link.relation in ("same", "split"):
            source = outcomes.get(link.sources[0])
            for code in link.targets:
                result[code] = replace(source, code=code) if source is not None else None
        else:  # merged
            result[link.targets[0]] = combine(
                link.targets[0], [outcomes.get(code) for code in link.sources]
            )
    return result


def combine(code: str, parts: Sequence[ItemOutcome | None]) -> ItemOutcome | None:
    """The outcome of an item merged from ``parts``, derived as from sub-items (rule 6 of
    docs/scoring.md). Parts without an outcome are left out; None when none has one."""
    present = [part for part in parts if part is not None]
    if not present:
        return None
    applicable = [part for part in present if part.applicable]
    achieved = sum(part.status == "achieved" for part in applicable)
    counts = {"achieved_children": achieved, "applicable_children": len(applicable)}
    if not applicable:
        status = (
            "not_applicable"
            if any(part.status == "not_applicable" for part in present)
            else "excluded"
        )
        return ItemOutcome(code, status, **counts)
    if any(part.status == "unanswered" for part in applicable):
        return ItemOutcome(code, "unanswered", **counts)
    scores = [part.score for part in applicable if part.score is not None]
    score = sum(scores, Fraction(0)) / len(scores) if len(scores) == len(applicable) else None
    status = "achieved" if achieved == len(applicable) else "not_achieved"
    return ItemOutcome(code, status, None, score, **counts)


def tally(
    norm: NormModel, outcomes: Mapping[str, ItemOutcome | None]
) -> tuple[Tally, dict[str, Tally], int]:
    """Headline tallies of (translated) outcomes over the norm's ambitions: total, per theme,
    and how many applicable ambitions had no outcome to carry (new items) and are left out."""
    by_theme = {theme: Tally() for theme in norm.themes}
    without = 0
    for ambition in norm.ambitions():
        outcome = outcomes.get(ambition.code)
        if outcome is None:
            without += 1
            continue
        if not outcome.applicable:
            continue
        by_theme[ambition.theme] += Tally(
            achieved=int(outcome.status == "achieved"),
            applicable=1,
            answered=int(outcome.status != "unanswered"),
            weighted_sum=(outcome.score or Fraction(0)) if norm.weighted else Fraction(0),
            weighted_count=int(norm.weighted),
        )
    return Tally.total(by_theme.values()), by_theme, without


__all__ = ["combine", "tally", "translate"]
