"""Reads of actions, scoped to what a user may see (access/policy.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet

from normmonitor.access.policy import grants_for
from normmonitor.organisations.models import Region
from normmonitor.rounds.models import MonitoringRound, RoundState

from .models import OPEN_STATUSES, Action


def visible_actions(user: Any) -> QuerySet[Action]:
    """Actions of the organisations the user is a member of, or of the regions they
    coordinate; everything for an administrator."""
    grants = grants_for(user)
    actions = Action.objects.select_related("organisation", "requirement", "round", "owner_user")
    if grants.administrator:
        return actions.all()
    return actions.filter(
        Q(organisation__in=grants.member_organisations)
        | Q(organisation__regions__in=grants.coordinated_regions)
    ).distinct()


@dataclass(frozen=True)
class BottleneckGroup:
    code: str
    label: str
    text: str
    actions: list[Action]


@dataclass(frozen=True)
class Bottlenecks:
    region: Region
    round: MonitoringRound | None
    groups: list[BottleneckGroup]
    unaddressed: list[Any]  # analysis.selectors.WeakSpot without an open action
    today: date

    @property
    def overdue(self) -> list[Action]:
        return [a for g in self.groups for a in g.actions if a.is_overdue(self.today)]

    @property
    def count(self) -> int:
        return sum(len(group.actions) for group in self.groups)


def region_bottlenecks(region: Region, today: date) -> Bottlenecks:
    """The working group's list: every open action in the region grouped by item, and the weak
    spots of the latest round that have no open action yet. For coordinators and
    administrators of the region (``actions.view_bottlenecks``)."""
    from normmonitor.analysis.selectors import round_waterbed  # analysis reads actions too

    actions = list(
        Action.objects.filter(organisation__regions=region, status__in=OPEN_STATUSES)
        .select_related("organisation", "requirement", "round", "owner_user")
        .order_by("requirement__code", "due_date", "organisation__name")
        .distinct()
    )
    groups: dict[str, BottleneckGroup] = {}
    for action in actions:
        if action.requirement_id:
            requirement = action.requirement
            key, label, text = requirement.code, requirement.label, requirement.text
        else:
            key, label, text = "", "", ""
        groups.setdefault(key, BottleneckGroup(key, label, text, [])).actions.append(action)
    latest = (
        MonitoringRound.objects.filter(region=region)
        .exclude(state=RoundState.DRAFT)
        .select_related("norm_version", "region")
        .order_by("-reference_date")
        .first()
    )
    unaddressed = []
    if latest is not None:
        covered = {(a.organisation.code, a.requirement.code) for a in actions if a.requirement_id}
        unaddressed = [
            spot
            for spot in round_waterbed(latest).weak_spots
            if (spot.organisation.code, spot.requirement.code) not in covered
        ]
    ordered = sorted(groups.values(), key=lambda g: (g.code == "", _natural(g.code)))
    return Bottlenecks(region, latest, ordered, unaddressed, today)


def _natural(code: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in code.replace(".", " ").split())
