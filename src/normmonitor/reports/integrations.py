"""HOOKS into the apps of issue #5, used by the reports when those apps are installed.

- actions: the organisation's open actions (``actions.models.Action`` with an open status);
- analysis: the waterbed section of the region report (``waterbed_report_content``) and, for
  an organisation, its exposure (``exposure_by_organisation``) and its weak spots
  (``round_waterbed``), from ``normmonitor.analysis.selectors``.

Each function returns None when the app (or the selector) is not there, and the report then
says so instead of showing the section. A failing analysis is logged and left out rather than
failing the whole report. Nothing here writes. The reports are not scoped to a viewer: the
permission to open the report (access/policy.py) covers these sections.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from fractions import Fraction
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from normmonitor.scoring import as_percent

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


def _number(value: Any) -> str:
    if isinstance(value, Fraction):
        if value.denominator == 1:
            return str(value.numerator)
        return f"{float(value):.2f}".replace(".", ",")
    return str(value)


def open_actions(organisation: Any, monitoring_round: Any) -> list | None:
    """HOOK (issue #5, actions): the organisation's open actions, oldest due date first."""
    from .content import ActionLine

    try:
        from normmonitor.actions.models import OPEN_STATUSES, Action
    except ImportError:
        return None
    today = timezone.localdate()
    actions = (
        Action.objects.filter(organisation=organisation, status__in=OPEN_STATUSES)
        .select_related("requirement")
        .order_by("due_date", "requirement__order", "pk")
    )
    return [
        ActionLine(
            title=action.description,
            requirement=action.requirement.label if action.requirement_id else "",
            owner=action.owner,
            due=action.due_date,
            state=str(action.get_status_display()),
            overdue=bool(action.due_date and action.due_date < today),
        )
        for action in actions
    ]


def _spot_line(spot: dict[str, Any], with_names: bool) -> Any:
    from .content import WeakSpotLine

    holders = tuple(spot.get("holder_names") or ())
    return WeakSpotLine(
        organisation=str(spot.get("organisation_name", "")),
        item=str(spot.get("item_label", "")),
        text=str(spot.get("item_text", "")),
        holders=holders if with_names else (),
        holders_count=len(holders),
        rounds=int(spot.get("rounds") or 1),
        region_share=str(spot.get("region_share") or ""),
    )


def band_label(band: int) -> str:
    return {0: _("none"), 1: _("low"), 2: _("medium"), 3: _("high")}.get(band, str(band))


def _exposure_line(item: Any) -> Any:
    from .content import ExposureLine

    get = (
        item.get
        if isinstance(item, dict)
        else lambda key, default=None: getattr(item, key, default)
    )
    return ExposureLine(
        code=str(get("code", "")),
        name=str(get("name", "")),
        exposure=_number(get("exposure", "")),
        missing=int(get("missing", 0) or 0),
        weak_spots=int(get("weak_spots", 0) or 0),
        band=int(get("band", 0) or 0),
        band_label=band_label(int(get("band", 0) or 0)),
        has_neighbours=bool(get("has_neighbours", True)),
    )


def waterbed(monitoring_round: Any, limit: int = 10) -> Any | None:
    """HOOK (issue #5, analysis): the region report's waterbed section, or None."""
    from .content import WaterbedSection

    function = _selector("normmonitor.analysis.selectors", "waterbed_report_content")
    if function is None:
        return None
    try:
        data = function(monitoring_round, limit=limit)
    except Exception:
        logger.exception("The waterbed analysis failed for %s", monitoring_round)
        return None
    return WaterbedSection(
        title=str(data.get("title", "")),
        summary=str(data.get("summary", "")),
        method=str(data.get("method", "")),
        weak_spots=[_spot_line(spot, True) for spot in data.get("weak_spots", [])],
        weak_spot_count=int(data.get("weak_spot_count", 0)),
        exposure=[_exposure_line(item) for item in data.get("exposure", [])],
    )


def organisation_waterbed(organisation: Any, monitoring_round: Any) -> Any | None:
    """HOOK (issue #5, analysis): the organisation's waterbed exposure and its own weak spots,
    or None. The neighbours that have what it lacks are counted, not named (the organisation
    report names no other organisation)."""
    from .content import OrganisationWaterbed

    exposure_of = _selector("normmonitor.analysis.selectors", "exposure_by_organisation")
    round_waterbed = _selector("normmonitor.analysis.selectors", "round_waterbed")
    if exposure_of is None or round_waterbed is None:
        return None
    try:
        analysis = round_waterbed(monitoring_round)
        exposure = exposure_of(monitoring_round, analysis).get(organisation.code)
        spots = [
            {
                "organisation_name": spot.organisation.name,
                "item_label": spot.requirement.label,
                "item_text": spot.requirement.text,
                "holder_names": [holder.name for holder in spot.holders],
                "rounds": spot.rounds,
                "region_share": as_percent(spot.region_share, missing=""),
            }
            for spot in analysis.weak_spots
            if spot.organisation.code == organisation.code
        ]
    except Exception:
        logger.exception("The waterbed analysis failed for %s", monitoring_round)
        return None
    return OrganisationWaterbed(
        exposure=_exposure_line(exposure) if exposure is not None else None,
        weak_spots=[_spot_line(spot, False) for spot in spots],
    )
