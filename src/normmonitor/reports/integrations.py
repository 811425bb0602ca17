"""HOOKS into the apps of other issues, used by the reports when those apps offer them.

Each function returns None when the other app does not (yet) provide the selector, and the
report then leaves the section out with a note. Nothing here writes.

- actions (issue #5): ``normmonitor.actions.selectors.open_actions(organisation, round)``
- analysis (issue #5): ``normmonitor.analysis.selectors.waterbed_exposure(organisation, round)``
  and ``normmonitor.analysis.selectors.weak_spots(round)``
- evidence (issue #3): ``normmonitor.evidence.models.Evidence`` for the manifest in the JSON
  export (exports/installation.py)

The items they return are read by attribute or key (``title``/``name``, ``description``,
``requirement``, ``owner``, ``due``/``due_date``, ``state``/``status``, ``organisations``), so
that a small change on their side does not break a report.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

logger = logging.getLogger(__name__)


def _selector(module: str, name: str) -> Callable[..., Any] | None:
    try:
        selectors = importlib.import_module(module)
    except ModuleNotFoundError as missing:
        if missing.name and module.startswith(missing.name):
            return None
        raise
    function = getattr(selectors, name, None)
    return function if callable(function) else None


def _get(item: Any, *names: str, default: Any = "") -> Any:
    for name in names:
        if isinstance(item, dict) and name in item:
            return item[name]
        if hasattr(item, name):
            value = getattr(item, name)
            return value() if callable(value) and name.startswith("get_") else value
    return default


def _text(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "label") and not isinstance(value, str):
        return str(value.label)
    return str(value)


def _codes(value: Any) -> tuple[str, ...]:
    if not value:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, Iterable):
        return tuple(_text(_get(v, "name", default=v)) for v in value)
    return (_text(value),)


def open_actions(organisation: Any, monitoring_round: Any) -> list | None:
    """HOOK (issue #5, actions): the organisation's open actions, or None if not offered."""
    from .content import ActionLine

    function = _selector("normmonitor.actions.selectors", "open_actions")
    if function is None:
        return None
    lines = []
    for item in function(organisation, monitoring_round):
        due = _get(item, "due", "due_date", "deadline", default=None)
        lines.append(
            ActionLine(
                title=_text(_get(item, "title", "name", "description")),
                requirement=_text(_get(item, "requirement_label", "requirement")),
                owner=_text(_get(item, "owner", "owner_name")),
                due=due if isinstance(due, date) else None,
                state=_text(_get(item, "get_state_display", "state", "status")),
            )
        )
    return lines


def _analysis_lines(items: Iterable[Any]) -> list:
    from .content import AnalysisLine

    return [
        AnalysisLine(
            title=_text(_get(item, "title", "name", "label")),
            description=_text(_get(item, "description", "explanation", "text")),
            organisations=_codes(_get(item, "organisations", "organisation_names", default=())),
            requirement=_text(_get(item, "requirement_label", "requirement", "ambition")),
        )
        for item in items
    ]


def waterbed_exposure(organisation: Any, monitoring_round: Any) -> list | None:
    """HOOK (issue #5, analysis): where crime may shift to this organisation (waterbed effect)
    because neighbours have closed a gap it has left open; None if not offered."""
    function = _selector("normmonitor.analysis.selectors", "waterbed_exposure")
    if function is None:
        return None
    return _analysis_lines(function(organisation, monitoring_round))


def weak_spots(monitoring_round: Any) -> list | None:
    """HOOK (issue #5, analysis): the region's weak spots in a round; None if not offered."""
    function = _selector("normmonitor.analysis.selectors", "weak_spots")
    if function is None:
        return None
    return _analysis_lines(function(monitoring_round))
