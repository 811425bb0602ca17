"""State changes of monitoring rounds. Each function checks the actor's permission, makes one
complete change in one transaction and records one audit event."""

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from normmonitor.assessments.models import Answer, Assessment
from normmonitor.audit.services import record
from normmonitor.core.exceptions import InvalidState, ServiceError
from normmonitor.core.permissions import require
from normmonitor.norms.models import NormVersion, Requirement, ScaleLevel
from normmonitor.organisations.models import Region

from .models import MonitoringRound, RoundState


def round_create(
    *,
    actor: Any,
    key: str,
    name: str,
    region: Region,
    norm_version: NormVersion,
    reference_date: date,
    deadline: date,
    previous: MonitoringRound | None = None,
) -> MonitoringRound:
    require(actor, "rounds.create_round", region)
    if deadline < reference_date:
        raise ServiceError(_("The deadline lies before the reference date."))
    if previous is not None and previous.region_id != region.pk:
        raise ServiceError(
            _("A round can only carry over answers from a round of the same region.")
        )
    if MonitoringRound.objects.filter(key=key).exists():
        raise ServiceError(_("A round with key %(key)s exists already.") % {"key": key})
    with transaction.atomic():
        monitoring_round = MonitoringRound.objects.create(
            key=key,
            name=name,
            region=region,
            norm_version=norm_version,
            reference_date=reference_date,
            deadline=deadline,
            previous=previous,
            created_by=actor if actor is not None and actor.is_authenticated else None,
        )
        record("round.created", actor=actor, round=monitoring_round, key=key)
    return monitoring_round


def rated_requirements(norm_version: NormVersion) -> list[Requirement]:
    """The requirements that receive an answer: every one that is not derived from children."""
    return list(norm_version.requirements.filter(derived=False).order_by("order"))


@transaction.atomic
def round_open(*, actor: Any, monitoring_round: MonitoringRound, carry_over: bool = True) -> int:
    """Open a draft round: create an assessment for every member organisation the norm addresses
    and an answer for every applicable rated requirement, all in one transaction. With
    ``carry_over`` the answers of the previous round are copied, marked as to be confirmed.
    Returns the number of answers created."""
    require(actor, "rounds.manage_round", monitoring_round)
    locked = MonitoringRound.objects.select_for_update().get(pk=monitoring_round.pk)
    if locked.state != RoundState.DRAFT:
        raise InvalidState(_("Only a draft round can be opened."))

    norm_version = locked.norm_version
    requirements = rated_requirements(norm_version)
    organisations = [
        organisation
        for organisation in locked.region.members.order_by("name")
        if organisation.type in norm_version.organisation_types
    ]
    assessments = Assessment.objects.bulk_create(
        [Assessment(round=locked, organisation=organisation) for organisation in organisations]
    )
    # bulk_create returns primary keys on SQLite and PostgreSQL alike.
    previous_answers = _previous_answers(locked) if carry_over else {}
    levels_by_code = {level.code: level for level in norm_version.scale.all()}
    answers = []
    for assessment, organisation in zip(assessments, organisations, strict=True):
        for requirement in requirements:
            if organisation.type not in requirement.applies_to:
                continue
            earlier = previous_answers.get((organisation.pk, requirement.code))
            answers.append(_new_answer(assessment, requirement, earlier, levels_by_code))
    Answer.objects.bulk_create(answers, batch_size=2000)

    locked.state = RoundState.OPEN
    locked.opened_at = timezone.now()
    locked.save(update_fields=["state", "opened_at"])
    record(
        "round.opened",
        actor=actor,
        round=locked,
        organisations=len(assessments),
        answers=len(answers),
        carried_over=sum(1 for answer in answers if answer.carried_over),
    )
    monitoring_round.refresh_from_db()
    return len(answers)


def _previous_answers(monitoring_round: MonitoringRound) -> dict[tuple[int, str], Answer]:
    if monitoring_round.previous_id is None:
        return {}
    rows = Answer.objects.filter(assessment__round_id=monitoring_round.previous_id).select_related(
        "assessment", "requirement", "level"
    )
    return {(answer.assessment.organisation_id, answer.requirement.code): answer for answer in rows}


def _new_answer(
    assessment: Assessment,
    requirement: Requirement,
    earlier: Answer | None,
    levels_by_code: dict[str, ScaleLevel],
) -> Answer:
    answer = Answer(assessment=assessment, requirement=requirement)
    if earlier is None:
        return answer
    # Levels belong to a norm version: carry over by code, and only if this scale has it.
    answer.level = levels_by_code.get(earlier.level.code) if earlier.level else None
    answer.explanation = earlier.explanation
    answer.planned_date = earlier.planned_date
    answer.owner = earlier.owner
    answer.last_done_on = earlier.last_done_on
    answer.carried_over = True
    return answer


def _change_state(
    *, actor: Any, monitoring_round: MonitoringRound, allowed_from: set[str], to: str, event: str
) -> MonitoringRound:
    require(actor, "rounds.manage_round", monitoring_round)
    with transaction.atomic():
        locked = MonitoringRound.objects.select_for_update().get(pk=monitoring_round.pk)
        if locked.state not in allowed_from:
            raise InvalidState(
                _("A round in state “%(state)s” cannot go to “%(to)s”.")
                % {"state": locked.get_state_display(), "to": RoundState(to).label}
            )
        previous_state = locked.state
        locked.state = to
        fields = ["state"]
        if to == RoundState.CLOSED:
            locked.closed_at = timezone.now()
            fields.append("closed_at")
        locked.save(update_fields=fields)
        record(event, actor=actor, round=locked, previous_state=previous_state)
    monitoring_round.refresh_from_db()
    return monitoring_round


def round_start_review(*, actor: Any, monitoring_round: MonitoringRound) -> MonitoringRound:
    return _change_state(
        actor=actor,
        monitoring_round=monitoring_round,
        allowed_from={RoundState.OPEN},
        to=RoundState.IN_REVIEW,
        event="round.review_started",
    )


def round_close(*, actor: Any, monitoring_round: MonitoringRound) -> MonitoringRound:
    return _change_state(
        actor=actor,
        monitoring_round=monitoring_round,
        allowed_from={RoundState.OPEN, RoundState.IN_REVIEW},
        to=RoundState.CLOSED,
        event="round.closed",
    )
