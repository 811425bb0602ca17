"""Reads of resilience scans, scoped to what a user may see (access/policy.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from normmonitor.access.policy import grants_for
from normmonitor.norms.models import NormVersion, Requirement
from normmonitor.norms.selectors import get_norm_version, version_path
from normmonitor.organisations.models import Organisation
from normmonitor.rounds.models import MonitoringRound, RoundState

from .models import Scan, ScanState
from .questionnaire import Questionnaire, Recommendation, Report, report


def visible_scans(user: Any) -> QuerySet[Scan]:
    grants = grants_for(user)
    scans = Scan.objects.select_related("organisation", "questionnaire")
    if grants.administrator:
        return scans.all()
    return scans.filter(
        Q(organisation__in=grants.member_organisations)
        | Q(organisation__regions__in=grants.coordinated_regions)
    ).distinct()


def _target_version(organisation: Organisation, document: Questionnaire) -> NormVersion | None:
    """The version actions and baselines are expressed in: that of the organisation's latest
    round on the questionnaire's norm, else the version the questionnaire was written for."""
    latest = (
        MonitoringRound.objects.filter(
            assessments__organisation=organisation, norm_version__norm__key=document.norm
        )
        .exclude(state=RoundState.DRAFT)
        .select_related("norm_version")
        .order_by("-reference_date")
        .first()
    )
    if latest is not None:
        return latest.norm_version
    try:
        return get_norm_version(document.norm, document.norm_version)
    except NormVersion.DoesNotExist:
        return None


@dataclass(frozen=True)
class ScanReport:
    scan: Scan
    document: Questionnaire
    report: Report
    norm_version: NormVersion | None  # the version the questionnaire's items are written in
    requirements: dict[str, Requirement]  # its items by code
    target: NormVersion | None  # the version proposed actions link to
    target_requirements: dict[str, Requirement]
    successors: dict[str, tuple[str, ...]]  # questionnaire item → items in the target version

    def requirement_for(self, recommendation: Recommendation) -> Requirement | None:
        """The first linked item as a requirement of the target version that applies."""
        for code in recommendation.ambitions:
            for successor in self.successors.get(code, ()):
                requirement = self.target_requirements.get(successor)
                if requirement and self.scan.organisation.type in requirement.applies_to:
                    return requirement
        return None

    def labels(self, codes) -> list[Requirement | str]:
        return [self.requirements.get(code, code) for code in codes]


def scan_report(scan: Scan) -> ScanReport:
    """The recommendations report (aanbevelingsrapportage) of a scan."""
    document = Questionnaire.from_dict(scan.questionnaire.document)
    try:
        version = get_norm_version(document.norm, document.norm_version)
    except NormVersion.DoesNotExist:
        version = None
    requirements = {r.code: r for r in version.requirements.order_by("order")} if version else {}
    applicable = {
        code for code, r in requirements.items() if scan.organisation.type in r.applies_to
    }
    answers = {a.question: (a.answer or None, a.note) for a in scan.answers.all()}
    result = report(document, answers, scan.organisation.type, applicable or None)
    target = _target_version(scan.organisation, document)
    successors: dict[str, tuple[str, ...]] = {code: (code,) for code in requirements}
    target_requirements = requirements
    if target is not None and version is not None and target.pk != version.pk:
        steps = version_path(version, target)
        if steps is not None:
            target_requirements = {r.code: r for r in target.requirements.all()}
            for code in requirements:
                codes = {code}
                for step in steps:
                    codes = {s for c in codes for s in step.successors(c)}
                successors[code] = tuple(sorted(codes))
    return ScanReport(
        scan, document, result, version, requirements, target, target_requirements, successors
    )


@dataclass(frozen=True)
class Baseline:
    scan: Scan
    statuses: dict[str, str]  # ambition code in the target version → weak / in_place / unknown


def baseline_for(organisation: Organisation, target: NormVersion) -> Baseline | None:
    """The indicative baseline (nulmeting) of an organisation from its latest completed
    baseline scan (else its latest completed scan), per ambition of ``target``: weak where a
    question linked to the ambition or one of its items was answered weak."""
    scans = Scan.objects.filter(organisation=organisation, state=ScanState.COMPLETED)
    scan = (
        scans.filter(baseline=True).order_by("-conducted_on").first()
        or scans.order_by("-conducted_on").first()
    )
    if scan is None:
        return None
    content = scan_report(scan)
    if content.norm_version is None:
        return None
    steps = version_path(content.norm_version, target)
    if steps is None:
        return None
    parent = {
        r.code: (r.parent.code if r.parent_id else None)
        for r in target.requirements.select_related("parent")
    }

    def ambition(code: str) -> str:
        while parent.get(code):
            code = parent[code]  # type: ignore[assignment]
        return code

    rank = {"weak": 0, "unknown": 1, "in_place": 2}
    statuses: dict[str, str] = {}
    for item in content.report.baseline:
        codes = {item.ambition}
        for step in steps:
            codes = {s for c in codes for s in step.successors(c)}
        for code in codes:
            if code not in parent:
                continue
            top = ambition(code)
            current = statuses.get(top)
            if current is None or rank[item.status] < rank[current]:
                statuses[top] = item.status
    return Baseline(scan, statuses)
