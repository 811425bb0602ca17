"""Reads of initiatives, scoped to what a user may see (access/policy.py)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet

from normmonitor.access.policy import grants_for
from normmonitor.norms.models import NormVersion, Requirement

from .models import Initiative


def visible_initiatives(user: Any) -> QuerySet[Initiative]:
    grants = grants_for(user)
    initiatives = Initiative.objects.select_related("region", "lead", "norm").prefetch_related(
        "organisations", "funding"
    )
    if grants.administrator:
        return initiatives.all()
    ids = Initiative.objects.filter(
        Q(organisations__in=grants.member_organisations)
        | Q(region__in=grants.coordinated_regions)
        | Q(organisations__regions__in=grants.coordinated_regions)
    ).values("pk")
    return initiatives.filter(pk__in=ids)


def funding_total(initiative: Initiative) -> Decimal:
    return sum((line.amount for line in initiative.funding.all()), Decimal(0))


def linked_ambitions(initiative: Initiative) -> list[Requirement | str]:
    """The linked items as requirements of the norm's latest version (the code itself when
    that version no longer has it)."""
    if initiative.norm_id is None or not initiative.ambition_codes:
        return list(initiative.ambition_codes)
    versions = NormVersion.objects.filter(norm_id=initiative.norm_id).order_by("-date", "-revision")
    latest = versions.first()
    found = {
        r.code: r
        for r in Requirement.objects.filter(norm_version=latest, code__in=initiative.ambition_codes)
    }
    return [found.get(code, code) for code in initiative.ambition_codes]
