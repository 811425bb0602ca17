"""Writing an organisation's self-assessment."""

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from normmonitor.audit.services import record
from normmonitor.core.exceptions import InvalidState, ServiceError, StaleVersion
from normmonitor.core.permissions import require
from normmonitor.norms.models import ScaleLevel

from .models import Answer


def _snapshot(answer: Answer) -> dict[str, Any]:
    return {
        "level": answer.level.code if answer.level_id else None,
        "explanation": answer.explanation,
        "planned_date": answer.planned_date.isoformat() if answer.planned_date else None,
        "owner": answer.owner,
        "last_done_on": answer.last_done_on.isoformat() if answer.last_done_on else None,
        "carried_over": answer.carried_over,
    }


def answer_update(
    *,
    actor: Any,
    answer: Answer,
    level: ScaleLevel | None,
    explanation: str,
    planned_date: date | None,
    owner: str,
    expected_version: int,
    last_done_on: date | None = None,
    address: str | None = None,
) -> Answer:
    """Save one answer. ``expected_version`` is the version the editor started from: when
    someone else saved in between, StaleVersion is raised and nothing changes (no lost update).
    Saving also confirms an answer carried over from the previous round."""
    assessment = answer.assessment
    require(actor, "assessments.change_assessment", assessment)
    if not assessment.round.is_open:
        raise InvalidState(_("This round is not open for changes."))
    if level is not None and level.norm_version_id != answer.requirement.norm_version_id:
        raise ServiceError(_("That rating is not on this norm's scale."))

    with transaction.atomic():
        before = Answer.objects.select_related("level").get(pk=answer.pk)
        updated = Answer.objects.filter(pk=answer.pk, version=expected_version).update(
            level=level,
            explanation=explanation,
            planned_date=planned_date,
            owner=owner,
            last_done_on=last_done_on,
            carried_over=False,
            version=F("version") + 1,
            updated_at=timezone.now(),
            updated_by=actor if actor is not None and actor.is_authenticated else None,
        )
        if updated != 1:
            raise StaleVersion(
                _(
                    "Someone else saved this item in the meantime. Their version is shown; "
                    "compare it with yours and save again."
                )
            )
        after = Answer.objects.select_related("level", "requirement").get(pk=answer.pk)
        record(
            "answer.updated",
            actor=actor,
            organisation=assessment.organisation,
            round=assessment.round,
            address=address,
            requirement=after.requirement.code,
            before=_snapshot(before),
            after=_snapshot(after),
        )
    return after
