"""Reads of evidence, scoped to what the user may see (access/policy.py: an organisation's
evidence is for its own members, its region's coordinators and administrators)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from normmonitor.access.policy import grants_for
from normmonitor.assessments.models import Answer, Assessment

from .models import Evidence


def visible_evidence(user: Any) -> QuerySet[Evidence]:
    """Every evidence row (current and historic) the user may see and download."""
    grants = grants_for(user)
    evidence = Evidence.objects.select_related(
        "answer__requirement", "answer__assessment__organisation", "answer__assessment__round"
    )
    if grants.administrator:
        return evidence.all()
    return evidence.filter(
        Q(answer__assessment__organisation__in=grants.member_organisations)
        | Q(answer__assessment__round__region__in=grants.coordinated_regions)
    )


def current_evidence_by_answer(user: Any, assessment: Assessment) -> dict[int, list[Evidence]]:
    """Answer id → its current documents (newest first), for the assessment's pages."""
    result: dict[int, list[Evidence]] = {}
    rows = (
        visible_evidence(user)
        .current()
        .filter(answer__assessment=assessment)
        .order_by("answer_id", "-uploaded_at", "-id")
    )
    for evidence in rows:
        result.setdefault(evidence.answer_id, []).append(evidence)
    return result


def evidence_for_answer(user: Any, answer: Answer, *, include_history: bool = False) -> list[Any]:
    rows = visible_evidence(user).filter(answer=answer)
    if not include_history:
        rows = rows.current()
    return list(rows.order_by("-uploaded_at", "-id"))


def evidence_history(user: Any, evidence: Evidence) -> list[Evidence]:
    """The chain of versions this document belongs to, newest first."""
    newest = evidence
    while True:
        try:
            newest = newest.replaced_by
        except Evidence.DoesNotExist:
            break
    chain = [newest]
    while chain[-1].replaces_id is not None:
        chain.append(chain[-1].replaces)
    visible = set(visible_evidence(user).filter(pk__in=[e.pk for e in chain]).values_list("pk"))
    return [e for e in chain if (e.pk,) in visible]
