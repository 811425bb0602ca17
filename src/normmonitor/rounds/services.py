"""State changes of monitoring rounds. Each function checks the actor's permission, makes one
complete change in one transaction and records one audit event."""

from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from normmonitor.assessments.models import Answer, Assessment
from normmonitor.audit.services import record
from normmonitor.core.exceptions import InvalidState, ServiceError
from normmonitor.core.permissions import require
from normmonitor.norms.models import NormVersion
from normmonitor.organisations.models import Region

from . import snapshots
from .answer_rows import insert_answers
from .models import MonitoringRound, RoundSnapshot, RoundState


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


@transaction.atomic
def round_open(*, actor: Any, monitoring_round: MonitoringRound, carry_over: bool = True) -> int:
    """Open a draft round: create an assessment for every member organisation the norm addresses
    and an answer for every applicable rated requirement, all in one transaction. With
    ``carry_over`` the answers of the previous round are copied, marked as to be confirmed; on
    a new norm version only along its mapping (same and split items; merged and new items, or
    all items when no mapping links the versions, start unanswered).
    Returns the number of answers created."""
    require(actor, "rounds.manage_round", monitoring_round)
    # FOR NO KEY UPDATE: other transactions may still insert rows that refer to the round.
    locked = (
        MonitoringRound.objects.select_for_update(no_key=True, of=("self",))
        .select_related("norm_version", "previous__norm_version")
        .get(pk=monitoring_round.pk)
    )
    if locked.state != RoundState.DRAFT:
        raise InvalidState(_("Only a draft round can be opened."))

    types = locked.norm_version.organisation_types
    assessments = Assessment.objects.bulk_create(
        [
            Assessment(round=locked, organisation=organisation)
            for organisation in locked.region.members.order_by("name")
            if organisation.type in types
        ]
    )
    # The answers are made by the database (35 000 for a national round), no row in Python.
    created = insert_answers(locked, previous=locked.previous if carry_over else None)

    locked.state = RoundState.OPEN
    locked.opened_at = timezone.now()
    locked.save(update_fields=["state", "opened_at"])
    record(
        "round.opened",
        actor=actor,
        round=locked,
        organisations=len(assessments),
        answers=created,
        carried_over=Answer.objects.filter(assessment__round=locked, carried_over=True).count(),
    )
    monitoring_round.refresh_from_db()
    return created


def _change_state(
    *, actor: Any, monitoring_round: MonitoringRound, allowed_from: set[str], to: str, event: str
) -> MonitoringRound:
    require(actor, "rounds.manage_round", monitoring_round)
    with transaction.atomic():
        locked = MonitoringRound.objects.select_for_update(no_key=True).get(pk=monitoring_round.pk)
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


def round_close(
    *, actor: Any, monitoring_round: MonitoringRound, address: str | None = None
) -> MonitoringRound:
    """Close the round and write its immutable snapshot (every answer and every score, with a
    checksum) in the same transaction: a closed round's figures come from it from now on."""
    require(actor, "rounds.manage_round", monitoring_round)
    with transaction.atomic():
        locked = MonitoringRound.objects.select_for_update(no_key=True).get(pk=monitoring_round.pk)
        if locked.state not in {RoundState.OPEN, RoundState.IN_REVIEW}:
            raise InvalidState(
                _("A round in state “%(state)s” cannot go to “%(to)s”.")
                % {"state": locked.get_state_display(), "to": RoundState.CLOSED.label}
            )
        previous_state = locked.state
        # Lock the answers too, so that no save slips in between the snapshot and the close.
        list(
            Answer.objects.select_for_update(of=("self",))
            .filter(assessment__round=locked)
            .values_list("pk", flat=True)
        )
        snapshot = snapshot_write(locked, actor)
        locked.state = RoundState.CLOSED
        locked.closed_at = timezone.now()
        locked.save(update_fields=["state", "closed_at"])
        record(
            "round.closed",
            actor=actor,
            round=locked,
            address=address,
            previous_state=previous_state,
            snapshot=snapshot.sequence,
            checksum=snapshot.checksum,
            answers=len(snapshot.data["answers"]),
        )
    monitoring_round.refresh_from_db()
    return monitoring_round


def round_reopen(
    *, actor: Any, monitoring_round: MonitoringRound, reason: str, address: str | None = None
) -> MonitoringRound:
    """Reopen a closed round: administrators only, with a reason, audited. The snapshot stays;
    closing again writes a new one."""
    require(actor, "rounds.reopen_round", monitoring_round)
    if not reason.strip():
        raise ServiceError(_("Give the reason for reopening the round."))
    with transaction.atomic():
        locked = MonitoringRound.objects.select_for_update(no_key=True).get(pk=monitoring_round.pk)
        if locked.state != RoundState.CLOSED:
            raise InvalidState(_("Only a closed round can be reopened."))
        latest = RoundSnapshot.objects.filter(round=locked).order_by("-sequence").first()
        locked.state = RoundState.OPEN
        locked.closed_at = None
        locked.save(update_fields=["state", "closed_at"])
        record(
            "round.reopened",
            actor=actor,
            round=locked,
            address=address,
            reason=reason.strip(),
            snapshot=latest.sequence if latest else None,
            checksum=latest.checksum if latest else None,
        )
    monitoring_round.refresh_from_db()
    return monitoring_round


def _user(actor: Any) -> Any:
    return actor if actor is not None and actor.is_authenticated else None


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def snapshot_write(monitoring_round: MonitoringRound, actor: Any) -> RoundSnapshot:
    """Write the round's next snapshot (``snapshot_data`` and its checksum). For closing, and
    for importing a closed round (whose old snapshot names another database's ids). The caller
    holds the transaction and the round's lock."""
    data = snapshot_data(monitoring_round)
    sequence = (
        RoundSnapshot.objects.filter(round=monitoring_round).aggregate(n=Max("sequence"))["n"] or 0
    ) + 1
    user = _user(actor)
    return RoundSnapshot.objects.create(
        round=monitoring_round,
        sequence=sequence,
        created_by=user,
        created_by_name=user.get_username() if user else "system",
        data=data,
        checksum=snapshots.checksum(data),
    )


def snapshot_data(monitoring_round: MonitoringRound) -> dict[str, Any]:
    """Everything a closed round's figures and texts depend on, as plain JSON values."""
    from normmonitor.assessments.selectors import (
        norm_model,
        round_ratings,
        round_scores_as_json,
    )

    norm_version = monitoring_round.norm_version
    assessments = list(
        Assessment.objects.filter(round=monitoring_round)
        .select_related("organisation")
        .order_by("organisation__code")
    )
    effective = round_ratings(monitoring_round)
    # Plain tuples, not 35 000 answers with four related objects each: closing a national
    # round spent most of its time building model instances for this list.
    answers = (
        Answer.objects.filter(assessment__round=monitoring_round)
        .order_by("assessment__organisation__code", "requirement__order")
        .values_list(
            "assessment__organisation__code",
            "requirement__code",
            "level__code",
            "explanation",
            "planned_date",
            "owner",
            "last_done_on",
            "carried_over",
            "review_status",
            "deviation_status",
            "deviation_motivation",
            "version",
            "updated_at",
            "updated_by__" + get_user_model().USERNAME_FIELD,
        )
    )
    scores = round_scores_as_json(monitoring_round, live=True)
    scores["state"] = RoundState.CLOSED
    return {
        "format": snapshots.FORMAT,
        "round": {
            "key": monitoring_round.key,
            "name": monitoring_round.name,
            "region": monitoring_round.region.key,
            "reference_date": _iso(monitoring_round.reference_date),
            "deadline": _iso(monitoring_round.deadline),
            "opened_at": _iso(monitoring_round.opened_at),
        },
        "norm": {
            "key": norm_version.norm.key,
            "version": norm_version.version,
            "revision": norm_version.revision,
            "content_hash": norm_version.content_hash,
        },
        "model": snapshots.model_as_data(norm_model(norm_version)),
        "organisations": [
            {
                "id": a.organisation_id,
                "code": a.organisation.code,
                "name": a.organisation.name,
                "type": a.organisation.type,
                "assessment_status": a.status,
            }
            for a in assessments
        ],
        "answers": [
            {
                "organisation": organisation,
                "requirement": requirement,
                "level": level,
                "counts_as": effective[organisation][1][requirement],
                "explanation": explanation,
                "planned_date": _iso(planned_date),
                "owner": owner,
                "last_done_on": _iso(last_done_on),
                "carried_over": carried_over,
                "review_status": review_status,
                "deviation_status": deviation_status,
                "deviation_motivation": deviation_motivation,
                "version": version,
                "updated_at": _iso(updated_at),
                "updated_by": updated_by,
            }
            for (
                organisation,
                requirement,
                level,
                explanation,
                planned_date,
                owner,
                last_done_on,
                carried_over,
                review_status,
                deviation_status,
                deviation_motivation,
                version,
                updated_at,
                updated_by,
            ) in answers
        ],
        "scores": scores,
    }


def snapshot_verify(snapshot: RoundSnapshot) -> list[str]:
    """Problems found, none when the snapshot is intact: its stored data must still hash to its
    checksum, and the audit trail must name the same checksum for its closing."""
    problems = []
    actual = snapshots.checksum(snapshot.data)
    if actual != snapshot.checksum:
        problems.append(f"checksum mismatch: stored {snapshot.checksum}, data hashes to {actual}")
    from normmonitor.audit.models import AuditEvent

    audited = set(
        AuditEvent.objects.filter(
            name="round.closed", round=snapshot.round, data__snapshot=snapshot.sequence
        ).values_list("data__checksum", flat=True)
    )
    if audited and snapshot.checksum not in audited:
        problems.append("the audit trail records another checksum for this closing")
    return problems


def snapshot_differences(snapshot: RoundSnapshot) -> list[str]:
    """How the stored answers differ from the snapshot (they should not: closed rounds are
    frozen). For investigation; the snapshot's figures stay authoritative."""
    live = {
        (a["organisation"], a["requirement"]): a for a in snapshot_data(snapshot.round)["answers"]
    }
    frozen = {(a["organisation"], a["requirement"]): a for a in snapshot.data["answers"]}
    differences = []
    for key in sorted(set(live) | set(frozen)):
        before, now = frozen.get(key), live.get(key)
        if before is None or now is None:
            differences.append(f"{key[0]} {key[1]}: {'added' if before is None else 'removed'}")
            continue
        for field in ("level", "counts_as", "explanation", "deviation_status"):
            if before[field] != now[field]:
                differences.append(f"{key[0]} {key[1]} {field}: {before[field]!r} → {now[field]!r}")
    return differences
