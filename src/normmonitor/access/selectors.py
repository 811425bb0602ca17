"""Querysets scoped to what a user may see. Every list in the application starts here, so that
a list can never show more than the object permissions in policy.py allow."""

from typing import Any

from django.db.models import Q, QuerySet

from normmonitor.assessments.models import Assessment, AssessmentStatus
from normmonitor.organisations.models import Organisation, Region
from normmonitor.rounds.models import MonitoringRound, RoundState

from .policy import grants_for


def _regions_with_members(organisation_ids: frozenset[int]) -> QuerySet:
    """The ids of the regions these organisations belong to, as a subquery."""
    return Region.members.through.objects.filter(organisation_id__in=organisation_ids).values(
        "region_id"
    )


# The selectors below filter with subqueries of ids rather than joining the regions' members
# and taking DISTINCT: DISTINCT over whole rows (a round's norm document included) made
# PostgreSQL sort thousands of wide rows (docs/performance.md, sections 5 and 7).
def visible_regions(user: Any) -> QuerySet[Region]:
    grants = grants_for(user)
    if grants.administrator:
        return Region.objects.all()
    return Region.objects.filter(
        Q(pk__in=grants.coordinated_regions)
        | Q(pk__in=_regions_with_members(grants.member_organisations))
    )


def visible_organisations(user: Any) -> QuerySet[Organisation]:
    grants = grants_for(user)
    if grants.administrator:
        return Organisation.objects.all()
    coordinated_members = Region.members.through.objects.filter(
        region_id__in=grants.coordinated_regions
    ).values("organisation_id")
    return Organisation.objects.filter(
        Q(pk__in=grants.member_organisations) | Q(pk__in=coordinated_members)
    )


def visible_rounds(user: Any) -> QuerySet[MonitoringRound]:
    """The norm version's document (the whole norm as JSON) is deferred: no round list shows
    it, and reading it for every row is most of the query's cost."""
    grants = grants_for(user)
    rounds = MonitoringRound.objects.select_related("region", "norm_version").defer(
        "norm_version__document"
    )
    if grants.administrator:
        return rounds.all()
    return rounds.filter(
        Q(region_id__in=grants.coordinated_regions)
        | Q(region_id__in=_regions_with_members(grants.member_organisations))
    )


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
    """The assessments the user may change now: the same rule as the permission
    assessments.change_assessment (policy.assessment_is_editable). Being filled in or returned
    with changes requested while the round is open; once the round is in review, only the
    returned ones. Submitted and approved assessments are with the working group."""
    grants = grants_for(user)
    return Assessment.objects.select_related("round", "organisation").filter(
        Q(
            round__state=RoundState.OPEN,
            status__in=[AssessmentStatus.DRAFT, AssessmentStatus.CHANGES_REQUESTED],
        )
        | Q(round__state=RoundState.IN_REVIEW, status=AssessmentStatus.CHANGES_REQUESTED),
        organisation__in=grants.edited_organisations,
    )
