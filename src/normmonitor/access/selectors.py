"""Querysets scoped to what a user may see. Every list in the application starts here, so that
a list can never show more than the object permissions in policy.py allow."""

from typing import Any

from django.db.models import Q, QuerySet

from normmonitor.assessments.models import Assessment
from normmonitor.organisations.models import Organisation, Region
from normmonitor.rounds.models import MonitoringRound

from .policy import grants_for


def visible_regions(user: Any) -> QuerySet[Region]:
    grants = grants_for(user)
    if grants.administrator:
        return Region.objects.all()
    return Region.objects.filter(
        Q(pk__in=grants.coordinated_regions) | Q(members__in=grants.member_organisations)
    ).distinct()


def visible_organisations(user: Any) -> QuerySet[Organisation]:
    grants = grants_for(user)
    if grants.administrator:
        return Organisation.objects.all()
    return Organisation.objects.filter(
        Q(pk__in=grants.member_organisations) | Q(regions__in=grants.coordinated_regions)
    ).distinct()


def visible_rounds(user: Any) -> QuerySet[MonitoringRound]:
    grants = grants_for(user)
    rounds = MonitoringRound.objects.select_related("region", "norm_version")
    if grants.administrator:
        return rounds.all()
    return rounds.filter(
        Q(region__in=grants.coordinated_regions)
        | Q(region__members__in=grants.member_organisations)
    ).distinct()


def visible_assessments(user: Any) -> QuerySet[Assessment]:
    grants = grants_for(user)
    assessments = Assessment.objects.select_related("round", "organisation", "round__region")
    if grants.administrator:
        return assessments.all()
    return assessments.filter(
        Q(organisation__in=grants.member_organisations)
        | Q(round__region__in=grants.coordinated_regions)
    )


def editable_assessments(user: Any) -> QuerySet[Assessment]:
    grants = grants_for(user)
    return Assessment.objects.select_related("round", "organisation").filter(
        organisation__in=grants.edited_organisations, round__state="open"
    )
