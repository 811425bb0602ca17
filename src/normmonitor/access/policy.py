"""The one place that says who may do what.

Views, commands, services and templates all ask through Django's ``user.has_perm(name, obj)``,
which the ``rules`` backend answers with the predicates below. A user's memberships are read
once per request and kept on the user object.

Roles (see docs/security.md):
- administrator: manages norms, organisations, rounds and users; sees every figure;
- coordinator (the working group) of a region: sees and reviews every organisation of the region,
  opens and closes its rounds;
- editor of an organisation: fills in that organisation's assessment while its round is open;
- reader of an organisation: sees that organisation's assessment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import rules

from .models import Membership, Role

if TYPE_CHECKING:
    from normmonitor.assessments.models import Assessment
    from normmonitor.organisations.models import Organisation, Region
    from normmonitor.rounds.models import MonitoringRound


@dataclass(frozen=True)
class Grants:
    """A user's memberships reduced to sets of ids."""

    administrator: bool = False
    coordinated_regions: frozenset[int] = field(default_factory=frozenset)
    edited_organisations: frozenset[int] = field(default_factory=frozenset)
    read_organisations: frozenset[int] = field(default_factory=frozenset)

    @property
    def member_organisations(self) -> frozenset[int]:
        return self.edited_organisations | self.read_organisations


_NO_GRANTS = Grants()
_CACHE_ATTRIBUTE = "_normmonitor_grants"


def grants_for(user: Any) -> Grants:
    if user is None or not user.is_authenticated or not user.is_active:
        return _NO_GRANTS
    cached = getattr(user, _CACHE_ATTRIBUTE, None)
    if cached is not None:
        return cached
    regions: set[int] = set()
    edited: set[int] = set()
    read: set[int] = set()
    administrator = user.is_superuser
    for role, organisation_id, region_id in Membership.objects.filter(user=user).values_list(
        "role", "organisation_id", "region_id"
    ):
        if role == Role.ADMINISTRATOR:
            administrator = True
        elif role == Role.COORDINATOR:
            regions.add(region_id)
        elif role == Role.EDITOR:
            edited.add(organisation_id)
        elif role == Role.READER:
            read.add(organisation_id)
    grants = Grants(administrator, frozenset(regions), frozenset(edited), frozenset(read))
    setattr(user, _CACHE_ATTRIBUTE, grants)
    return grants


def forget_grants(user: Any) -> None:
    """Call after changing a user's memberships within the same request or test."""
    if hasattr(user, _CACHE_ATTRIBUTE):
        delattr(user, _CACHE_ATTRIBUTE)


def _region_ids_of(organisation: Organisation) -> set[int]:
    # Prefetched by selectors where it matters; one small query otherwise.
    return {region.pk for region in organisation.regions.all()}


@rules.predicate
def is_administrator(user: Any) -> bool:
    return grants_for(user).administrator


@rules.predicate
def coordinates_region(user: Any, region: Region | None) -> bool:
    return region is not None and region.pk in grants_for(user).coordinated_regions


@rules.predicate
def coordinates_organisation(user: Any, organisation: Organisation | None) -> bool:
    if organisation is None:
        return False
    coordinated = grants_for(user).coordinated_regions
    return bool(coordinated) and bool(coordinated & _region_ids_of(organisation))


@rules.predicate
def is_member_of_organisation(user: Any, organisation: Organisation | None) -> bool:
    return organisation is not None and organisation.pk in grants_for(user).member_organisations


@rules.predicate
def edits_organisation(user: Any, organisation: Organisation | None) -> bool:
    return organisation is not None and organisation.pk in grants_for(user).edited_organisations


@rules.predicate
def coordinates_round(user: Any, round: MonitoringRound | None) -> bool:
    return round is not None and round.region_id in grants_for(user).coordinated_regions


@rules.predicate
def takes_part_in_round(user: Any, round: MonitoringRound | None) -> bool:
    if round is None:
        return False
    members = grants_for(user).member_organisations
    return bool(members) and round.region.members.filter(pk__in=members).exists()


@rules.predicate
def coordinates_assessment(user: Any, assessment: Assessment | None) -> bool:
    return assessment is not None and coordinates_round(user, assessment.round)


@rules.predicate
def is_member_of_assessed_organisation(user: Any, assessment: Assessment | None) -> bool:
    return assessment is not None and assessment.organisation_id in (
        grants_for(user).member_organisations
    )


@rules.predicate
def edits_assessed_organisation(user: Any, assessment: Assessment | None) -> bool:
    return assessment is not None and assessment.organisation_id in (
        grants_for(user).edited_organisations
    )


@rules.predicate
def assessment_round_is_open(user: Any, assessment: Assessment | None) -> bool:
    return assessment is not None and assessment.round.is_open


# An assessment can be changed while its round is open and it is not with the working group:
# being filled in, or returned with changes requested (then also while the round is in review).
_EDITABLE_STATUSES = {"draft", "changes_requested"}


@rules.predicate
def assessment_is_editable(user: Any, assessment: Assessment | None) -> bool:
    if assessment is None or assessment.status not in _EDITABLE_STATUSES:
        return False
    state = assessment.round.state
    return state == "open" or (state == "in_review" and assessment.status == "changes_requested")


@rules.predicate
def assessment_round_is_active(user: Any, assessment: Assessment | None) -> bool:
    """Open or in review: comments and the working group's review are possible."""
    return assessment is not None and assessment.round.state in {"open", "in_review"}


@rules.predicate
def assessment_region_shares_ratings(user: Any, assessment: Assessment | None) -> bool:
    return assessment is not None and assessment.round.region.ratings_visible_to_members


@rules.predicate
def takes_part_in_assessment_round(user: Any, assessment: Assessment | None) -> bool:
    return assessment is not None and takes_part_in_round(user, assessment.round)


@rules.predicate
def round_shares_ratings(user: Any, round: MonitoringRound | None) -> bool:
    return round is not None and round.region.ratings_visible_to_members


@rules.predicate
def is_coordinator(user: Any) -> bool:
    return bool(grants_for(user).coordinated_regions)


# Four eyes (ambition 4.3): the working group reviews an item only if the reviewer neither
# last changed it nor submitted the assessment it belongs to.
@rules.predicate
def may_review_answer(user: Any, answer: Any) -> bool:
    if answer is None:
        return False
    assessment = answer.assessment
    if not (is_administrator(user) or coordinates_assessment(user, assessment)):
        return False
    if not assessment_round_is_active(user, assessment):
        return False
    return user.pk not in {answer.updated_by_id, assessment.submitted_by_id}


# Evidence: the same audience as the organisation's explanations.
@rules.predicate
def coordinates_evidence(user: Any, evidence: Any) -> bool:
    return evidence is not None and coordinates_assessment(user, evidence.answer.assessment)


@rules.predicate
def is_member_of_evidence_organisation(user: Any, evidence: Any) -> bool:
    return evidence is not None and is_member_of_assessed_organisation(
        user, evidence.answer.assessment
    )


# Permission names follow Django's "<app>.<action>_<model>" convention.
rules.add_perm(
    "organisations.view_organisation",
    is_administrator | coordinates_organisation | is_member_of_organisation,
)
rules.add_perm("organisations.view_region", is_administrator | coordinates_region)
rules.add_perm("organisations.change_region_sharing", is_administrator | coordinates_region)
rules.add_perm("rounds.view_round", is_administrator | coordinates_round | takes_part_in_round)
rules.add_perm("rounds.view_dashboard", is_administrator | coordinates_round)
rules.add_perm("rounds.manage_round", is_administrator | coordinates_round)
rules.add_perm("rounds.create_round", is_administrator | coordinates_region)
rules.add_perm(
    "assessments.view_assessment",
    is_administrator | coordinates_assessment | is_member_of_assessed_organisation,
)
# Other organisations of the region see at most the ratings, and only where the region allows.
rules.add_perm(
    "assessments.view_ratings",
    is_administrator
    | coordinates_assessment
    | is_member_of_assessed_organisation
    | (takes_part_in_assessment_round & assessment_region_shares_ratings),
)
rules.add_perm(
    "rounds.view_heatmap",
    is_administrator | coordinates_round | (takes_part_in_round & round_shares_ratings),
)
rules.add_perm(
    "assessments.change_assessment", edits_assessed_organisation & assessment_is_editable
)
rules.add_perm(
    "assessments.submit_assessment", edits_assessed_organisation & assessment_is_editable
)
rules.add_perm(
    "assessments.review_assessment",
    (is_administrator | coordinates_assessment) & assessment_round_is_active,
)
rules.add_perm("assessments.review_answer", may_review_answer)
rules.add_perm(
    "assessments.comment_assessment",
    (is_administrator | coordinates_assessment | edits_assessed_organisation)
    & assessment_round_is_active,
)
rules.add_perm(
    "evidence.view_evidence",
    is_administrator | coordinates_evidence | is_member_of_evidence_organisation,
)
rules.add_perm("evidence.add_evidence", edits_assessed_organisation & assessment_is_editable)
rules.add_perm("rounds.reopen_round", is_administrator)
# The audit trail: administrators see everything, coordinators their region's events
# (audit.selectors.visible_events scopes the list).
rules.add_perm("audit.view_auditlog", is_administrator | is_coordinator)
rules.add_perm("norms.manage_norm", is_administrator)
rules.add_perm("access.manage_membership", is_administrator)


# API tokens (issue #7): everyone creates and revokes their own; an administrator may revoke
# anyone's. A token acts with exactly its user's permissions above.
@rules.predicate
def is_same_user(user: Any, other: Any) -> bool:
    return other is not None and user.is_authenticated and user.pk == getattr(other, "pk", None)


@rules.predicate
def owns_api_token(user: Any, token: Any) -> bool:
    return token is not None and user.is_authenticated and token.user_id == user.pk


rules.add_perm("api.create_token", is_same_user)
rules.add_perm("api.revoke_token", owns_api_token | is_administrator)


# Analysis, actions, initiatives and the resilience scan (issue #5): see docs/analysis.md.
# Region-wide views (the waterbed, comparisons across organisations, the bottleneck list) are
# for the region's coordinators and administrators; an organisation's members see their own
# trends, actions, initiatives and scans. Actions and scans have an ``organisation``;
# initiatives have ``organisations`` and an optional ``region``.
def _subject_organisation(obj: Any) -> Organisation | None:
    return getattr(obj, "organisation", None) if obj is not None else None


@rules.predicate
def coordinates_subject_organisation(user: Any, obj: Any) -> bool:
    return coordinates_organisation(user, _subject_organisation(obj))


@rules.predicate
def is_member_of_subject_organisation(user: Any, obj: Any) -> bool:
    return is_member_of_organisation(user, _subject_organisation(obj))


@rules.predicate
def edits_subject_organisation(user: Any, obj: Any) -> bool:
    return edits_organisation(user, _subject_organisation(obj))


def _initiative_ids(initiative: Any) -> tuple[set[int], set[int]]:
    organisations = {o.pk for o in initiative.organisations.all()}
    regions = {r.pk for o in initiative.organisations.all() for r in o.regions.all()}
    if initiative.region_id is not None:
        regions.add(initiative.region_id)
    return organisations, regions


@rules.predicate
def coordinates_initiative(user: Any, initiative: Any) -> bool:
    coordinated = grants_for(user).coordinated_regions
    return initiative is not None and bool(coordinated & _initiative_ids(initiative)[1])


@rules.predicate
def is_member_of_initiative(user: Any, initiative: Any) -> bool:
    members = grants_for(user).member_organisations
    return initiative is not None and bool(members & _initiative_ids(initiative)[0])


@rules.predicate
def edits_initiative(user: Any, initiative: Any) -> bool:
    edited = grants_for(user).edited_organisations
    return initiative is not None and bool(edited & _initiative_ids(initiative)[0])


rules.add_perm("analysis.view_region_analysis", is_administrator | coordinates_region)
rules.add_perm("analysis.manage_region_analysis", is_administrator | coordinates_region)
rules.add_perm(
    "analysis.view_organisation_analysis",
    is_administrator | coordinates_organisation | is_member_of_organisation,
)
rules.add_perm("actions.view_bottlenecks", is_administrator | coordinates_region)
rules.add_perm(
    "actions.view_action",
    is_administrator | coordinates_subject_organisation | is_member_of_subject_organisation,
)
rules.add_perm(
    "actions.add_action", is_administrator | coordinates_organisation | edits_organisation
)
rules.add_perm(
    "actions.change_action",
    is_administrator | coordinates_subject_organisation | edits_subject_organisation,
)
rules.add_perm(
    "initiatives.view_initiative",
    is_administrator | coordinates_initiative | is_member_of_initiative,
)
rules.add_perm("initiatives.add_initiative", is_administrator | coordinates_region)
rules.add_perm(
    "initiatives.change_initiative", is_administrator | coordinates_initiative | edits_initiative
)
rules.add_perm(
    "resiliencescan.view_scan",
    is_administrator | coordinates_subject_organisation | is_member_of_subject_organisation,
)
rules.add_perm(
    "resiliencescan.add_scan", is_administrator | coordinates_organisation | edits_organisation
)
rules.add_perm(
    "resiliencescan.change_scan",
    is_administrator | coordinates_subject_organisation | edits_subject_organisation,
)

# Management inside the application (normmonitor.beheer, issue #8): administrators only.
rules.add_perm("beheer.view_management", is_administrator)
rules.add_perm("organisations.manage_organisation", is_administrator)
rules.add_perm("organisations.manage_region", is_administrator)
rules.add_perm("access.manage_user", is_administrator)


# Document scan (issue #6): an organisation's own editors upload its regulations and adopt the
# findings; coordinators read their region's; an editor sees another member's documents only
# when the region's setting allows it (documentscan.RegionScanSetting, off by default).
def _regions_open_to_editors(user: Any) -> set[int]:
    from normmonitor.documentscan.models import RegionScanSetting

    edited = grants_for(user).edited_organisations
    if not edited:
        return set()
    return set(
        RegionScanSetting.objects.filter(
            editors_see_region=True, region__members__in=edited
        ).values_list("region_id", flat=True)
    )


@rules.predicate
def edits_member_of_region(user: Any, region: Region | None) -> bool:
    edited = grants_for(user).edited_organisations
    return region is not None and bool(edited) and region.members.filter(pk__in=edited).exists()


@rules.predicate
def sees_documents_through_region(user: Any, organisation: Organisation | None) -> bool:
    if organisation is None:
        return False
    open_regions = _regions_open_to_editors(user)
    return bool(open_regions) and bool(open_regions & _region_ids_of(organisation))


rules.add_perm("documentscan.upload_document", edits_organisation)
rules.add_perm(
    "documentscan.view_document",
    is_administrator
    | coordinates_organisation
    | edits_organisation
    | sees_documents_through_region,
)
rules.add_perm(
    "documentscan.adopt_findings", edits_assessed_organisation & assessment_round_is_open
)
rules.add_perm(
    "documentscan.view_region_documents",
    is_administrator | coordinates_region | edits_member_of_region,
)
rules.add_perm("documentscan.manage_region_documents", is_administrator | coordinates_region)

# Reports and exports (issue #4): see docs/reports.md.
rules.add_perm(
    "reports.view_organisation_report",
    is_administrator | coordinates_assessment | is_member_of_assessed_organisation,
)
rules.add_perm("reports.view_region_report", is_administrator | coordinates_round)
rules.add_perm("reports.export_round", is_administrator | coordinates_round)
rules.add_perm("reports.export_installation", is_administrator)
rules.add_perm("reports.use_workbook", edits_assessed_organisation & assessment_round_is_open)
