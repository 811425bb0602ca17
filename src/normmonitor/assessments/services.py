"""Writing an organisation's self-assessment, and the working group's review of it.

The review (docs/security.md, "Review"): an editor submits the assessment; a coordinator
accepts each item or requests a change with a comment; the editor revises and resubmits; when
every item is accepted the coordinator approves it. Nobody reviews an item they last changed or
an assessment they submitted. An editor may propose a documented deviation (maatwerk) for an
item; it changes the score only once the working group accepts it (the item then counts as the
norm's not-applicable level). Every decision is optimistically locked on the item's (or the
assessment's) version, so of two concurrent decisions the second is refused."""

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from normmonitor.audit.services import record
from normmonitor.core.exceptions import InvalidState, NotAllowed, ServiceError, StaleVersion
from normmonitor.core.permissions import require
from normmonitor.norms.models import ScaleLevel
from normmonitor.rounds.models import MonitoringRound

from .models import (
    Answer,
    Assessment,
    AssessmentStatus,
    CommentKind,
    DeviationStatus,
    ReviewComment,
    ReviewStatus,
)

STALE_ITEM = gettext_noop(
    "Someone else saved this item in the meantime. Their version is shown; "
    "compare it with yours and save again."
)
STALE_ASSESSMENT = gettext_noop(
    "Someone else changed the state of this assessment in the meantime. Look at it again."
)


def _snapshot(answer: Answer) -> dict[str, Any]:
    return {
        "level": answer.level.code if answer.level_id else None,
        "explanation": answer.explanation,
        "planned_date": answer.planned_date.isoformat() if answer.planned_date else None,
        "owner": answer.owner,
        "last_done_on": answer.last_done_on.isoformat() if answer.last_done_on else None,
        "carried_over": answer.carried_over,
        "review_status": answer.review_status,
        "deviation_status": answer.deviation_status,
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
    assessment = Assessment.objects.select_related("round", "organisation").get(
        pk=answer.assessment_id
    )
    require_editable(actor, assessment)
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
            # A changed item goes back to the working group: an acceptance or a change request
            # was about the version before this one.
            review_status=ReviewStatus.PENDING,
            version=F("version") + 1,
            updated_at=timezone.now(),
            updated_by=actor if actor is not None and actor.is_authenticated else None,
        )
        if updated != 1:
            raise StaleVersion(_(STALE_ITEM))
        # Checked again now that this transaction holds the row: a close, submission or review
        # that committed while we waited for it wins, and this save is rolled back.
        _recheck_editable(actor, assessment)
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


def _user(actor: Any) -> Any:
    return actor if actor is not None and actor.is_authenticated else None


def _name(actor: Any) -> str:
    user = _user(actor)
    return user.get_username() if user else "system"


def require_editable(actor: Any, assessment: Assessment) -> None:
    """Refuse a change to the assessment's content, with the reason when the actor is one of its
    editors. A closed round refuses everyone, the system operator too."""
    if assessment.round.state not in {"open", "in_review"}:
        raise InvalidState(_("This round is not open for changes."))
    if actor is None or actor.has_perm("assessments.change_assessment", assessment):
        return
    edits = assessment.organisation_id in _edited_organisations(actor)
    if edits and assessment.status == AssessmentStatus.SUBMITTED:
        raise InvalidState(
            _("The assessment has been submitted: it is with the working group for review.")
        )
    if edits and assessment.status == AssessmentStatus.APPROVED:
        raise InvalidState(_("The assessment has been approved and can no longer be changed."))
    if edits:
        raise InvalidState(_("The round is in review: only returned assessments can be changed."))
    require(actor, "assessments.change_assessment", assessment)


def _recheck_round_active(answer: Answer) -> None:
    """After a review decision's update: a round closed meanwhile wins (the snapshot is taken)."""
    state = MonitoringRound.objects.filter(assessments__answers=answer.pk).values_list(
        "state", flat=True
    )
    if state.first() not in {"open", "in_review"}:
        raise InvalidState(_("This round is not open for changes."))


def _recheck_editable(actor: Any, assessment: Assessment) -> None:
    current = Assessment.objects.select_related("round", "organisation").get(pk=assessment.pk)
    require_editable(actor, current)


def _edited_organisations(actor: Any) -> frozenset[int]:
    from normmonitor.access.policy import grants_for

    return grants_for(actor).edited_organisations


def _comment(answer: Answer, actor: Any, kind: str, text: str, version: int) -> ReviewComment:
    return ReviewComment.objects.create(
        answer=answer,
        kind=kind,
        text=text.strip(),
        author=_user(actor),
        author_name=_name(actor),
        answer_version=version,
    )


def _lock_assessment(assessment: Assessment, expected_version: int | None) -> Assessment:
    locked = (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("round", "organisation")
        .get(pk=assessment.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersion(_(STALE_ASSESSMENT))
    return locked


def assessment_submit(
    *,
    actor: Any,
    assessment: Assessment,
    expected_version: int | None = None,
    address: str | None = None,
) -> Assessment:
    """The editor hands the assessment to the working group. Every item must be answered, and
    every item with a change request must have been revised."""
    require_editable(actor, assessment)
    require(actor, "assessments.submit_assessment", assessment)
    with transaction.atomic():
        locked = _lock_assessment(assessment, expected_version)
        if locked.status not in {AssessmentStatus.DRAFT, AssessmentStatus.CHANGES_REQUESTED}:
            raise InvalidState(_("This assessment has already been submitted."))
        answers = Answer.objects.filter(assessment=locked)
        unanswered = answers.filter(level__isnull=True).count()
        if unanswered:
            raise InvalidState(
                _("%(count)s items are not answered yet; answer every item before submitting.")
                % {"count": unanswered}
            )
        open_requests = answers.filter(review_status=ReviewStatus.CHANGES_REQUESTED).count()
        if open_requests:
            raise InvalidState(
                _(
                    "%(count)s items still have a change requested by the working group; "
                    "revise them before submitting again."
                )
                % {"count": open_requests}
            )
        previous = locked.status
        locked.status = AssessmentStatus.SUBMITTED
        locked.submitted_at = timezone.now()
        locked.submitted_by = _user(actor)
        locked.version += 1
        locked.save(update_fields=["status", "submitted_at", "submitted_by", "version"])
        record(
            "assessment.submitted",
            actor=actor,
            organisation=locked.organisation,
            round=locked.round,
            address=address,
            previous_status=previous,
            resubmission=previous == AssessmentStatus.CHANGES_REQUESTED,
            carried_over=answers.filter(carried_over=True).count(),
        )
    assessment.refresh_from_db()
    return assessment


def _lock_answer_for_review(actor: Any, answer: Answer, expected_version: int) -> Answer:
    locked = (
        Answer.objects.select_for_update(of=("self",))
        .select_related("assessment__round__region", "assessment__organisation", "requirement")
        .get(pk=answer.pk)
    )
    if locked.version != expected_version:
        raise StaleVersion(_(STALE_ITEM))
    return locked


def _require_reviewer(actor: Any, answer: Answer) -> None:
    if actor is None:
        return
    if actor.has_perm("assessments.review_answer", answer):
        return
    assessment = answer.assessment
    if actor.has_perm("assessments.review_assessment", assessment):
        raise NotAllowed(
            _(
                "You cannot review an item you changed yourself or an assessment you submitted: "
                "another member of the working group must (four-eyes principle)."
            )
        )
    require(actor, "assessments.review_answer", answer)


def answer_review(
    *,
    actor: Any,
    answer: Answer,
    accept: bool,
    comment: str = "",
    expected_version: int,
    address: str | None = None,
) -> Answer:
    """The working group accepts an item or requests a change (a comment is then required)."""
    _require_reviewer(actor, answer)
    if not accept and not comment.strip():
        raise ServiceError(_("Say what should change: a comment is required."))
    with transaction.atomic():
        locked = _lock_answer_for_review(actor, answer, expected_version)
        _require_reviewer(actor, locked)  # against the locked row: who changed it last
        if locked.assessment.status != AssessmentStatus.SUBMITTED:
            raise InvalidState(_("Only a submitted assessment can be reviewed."))
        before = locked.review_status
        status = ReviewStatus.ACCEPTED if accept else ReviewStatus.CHANGES_REQUESTED
        Answer.objects.filter(pk=locked.pk).update(
            review_status=status,
            reviewed_at=timezone.now(),
            reviewed_by=_user(actor),
            version=F("version") + 1,
        )
        _recheck_round_active(locked)
        kind = CommentKind.ACCEPTED if accept else CommentKind.CHANGE_REQUESTED
        if comment.strip() or not accept:
            _comment(locked, actor, kind, comment, locked.version)
        record(
            "answer.reviewed",
            actor=actor,
            organisation=locked.assessment.organisation,
            round=locked.assessment.round,
            address=address,
            requirement=locked.requirement.code,
            decision="accepted" if accept else "changes_requested",
            before=before,
            comment=comment.strip(),
            answer_version=locked.version,
        )
    return Answer.objects.select_related("level", "requirement", "reviewed_by").get(pk=answer.pk)


def assessment_finish_review(
    *,
    actor: Any,
    assessment: Assessment,
    expected_version: int | None = None,
    address: str | None = None,
) -> Assessment:
    """Close the review of a submitted assessment: approved when every item is accepted,
    returned to the editors when any item has a change requested."""
    require(actor, "assessments.review_assessment", assessment)
    if actor is not None and _user(actor) and assessment.submitted_by_id == actor.pk:
        raise NotAllowed(_("You cannot approve an assessment you submitted yourself."))
    with transaction.atomic():
        locked = _lock_assessment(assessment, expected_version)
        if locked.status != AssessmentStatus.SUBMITTED:
            raise InvalidState(_("Only a submitted assessment can be reviewed."))
        answers = Answer.objects.filter(assessment=locked)
        pending = answers.filter(review_status=ReviewStatus.PENDING).count()
        if pending:
            raise InvalidState(
                _("%(count)s items have not been reviewed yet.") % {"count": pending}
            )
        proposed = answers.filter(deviation_status=DeviationStatus.PROPOSED).count()
        if proposed:
            raise InvalidState(
                _("Decide on the %(count)s proposed deviations first.") % {"count": proposed}
            )
        requested = answers.filter(review_status=ReviewStatus.CHANGES_REQUESTED).count()
        locked.status = (
            AssessmentStatus.CHANGES_REQUESTED if requested else AssessmentStatus.APPROVED
        )
        locked.reviewed_at = timezone.now()
        locked.reviewed_by = _user(actor)
        locked.version += 1
        locked.save(update_fields=["status", "reviewed_at", "reviewed_by", "version"])
        record(
            "assessment.approved" if not requested else "assessment.changes_requested",
            actor=actor,
            organisation=locked.organisation,
            round=locked.round,
            address=address,
            changes_requested=requested,
        )
    assessment.refresh_from_db()
    return assessment


def assessment_return(
    *, actor: Any, assessment: Assessment, comment: str, address: str | None = None
) -> Assessment:
    """The working group sends a submitted or approved assessment back to the editors."""
    require(actor, "assessments.review_assessment", assessment)
    if not comment.strip():
        raise ServiceError(_("Say why the assessment goes back: a comment is required."))
    with transaction.atomic():
        locked = _lock_assessment(assessment, None)
        if locked.status not in {AssessmentStatus.SUBMITTED, AssessmentStatus.APPROVED}:
            raise InvalidState(_("Only a submitted or approved assessment can be returned."))
        previous = locked.status
        locked.status = AssessmentStatus.CHANGES_REQUESTED
        locked.reviewed_at = timezone.now()
        locked.reviewed_by = _user(actor)
        locked.version += 1
        locked.save(update_fields=["status", "reviewed_at", "reviewed_by", "version"])
        record(
            "assessment.returned",
            actor=actor,
            organisation=locked.organisation,
            round=locked.round,
            address=address,
            previous_status=previous,
            comment=comment.strip(),
        )
    assessment.refresh_from_db()
    return assessment


def deviation_propose(
    *,
    actor: Any,
    answer: Answer,
    motivation: str,
    expected_version: int,
    address: str | None = None,
) -> Answer:
    """The organisation proposes to deviate from the item (maatwerk), with its motivation. The
    score does not change until the working group accepts it."""
    assessment = Assessment.objects.select_related("round", "organisation").get(
        pk=answer.assessment_id
    )
    require_editable(actor, assessment)
    if not motivation.strip():
        raise ServiceError(_("Explain why and how your organisation deviates."))
    if not answer.requirement.norm_version.scale.filter(not_applicable=True).exists():
        raise InvalidState(_("This norm has no not-applicable level, so it allows no deviations."))
    with transaction.atomic():
        locked = _lock_answer_for_review(actor, answer, expected_version)
        if locked.deviation_status == DeviationStatus.ACCEPTED:
            raise InvalidState(_("A deviation has already been accepted for this item."))
        Answer.objects.filter(pk=locked.pk).update(
            deviation_status=DeviationStatus.PROPOSED,
            deviation_motivation=motivation.strip(),
            deviation_decided_at=None,
            deviation_decided_by=None,
            review_status=ReviewStatus.PENDING,
            updated_by=_user(actor),
            updated_at=timezone.now(),
            version=F("version") + 1,
        )
        _recheck_round_active(locked)
        _comment(locked, actor, CommentKind.DEVIATION_PROPOSED, motivation, locked.version)
        record(
            "deviation.proposed",
            actor=actor,
            organisation=assessment.organisation,
            round=assessment.round,
            address=address,
            requirement=locked.requirement.code,
            motivation=motivation.strip(),
        )
    return Answer.objects.select_related("level", "requirement").get(pk=answer.pk)


def deviation_withdraw(
    *, actor: Any, answer: Answer, expected_version: int, address: str | None = None
) -> Answer:
    assessment = Assessment.objects.select_related("round", "organisation").get(
        pk=answer.assessment_id
    )
    require_editable(actor, assessment)
    with transaction.atomic():
        locked = _lock_answer_for_review(actor, answer, expected_version)
        if locked.deviation_status not in {DeviationStatus.PROPOSED, DeviationStatus.REJECTED}:
            raise InvalidState(_("There is no proposed deviation to withdraw."))
        Answer.objects.filter(pk=locked.pk).update(
            deviation_status=DeviationStatus.NONE,
            updated_by=_user(actor),
            updated_at=timezone.now(),
            version=F("version") + 1,
        )
        _recheck_round_active(locked)
        _comment(locked, actor, CommentKind.DEVIATION_WITHDRAWN, "", locked.version)
        record(
            "deviation.withdrawn",
            actor=actor,
            organisation=assessment.organisation,
            round=assessment.round,
            address=address,
            requirement=locked.requirement.code,
        )
    return Answer.objects.select_related("level", "requirement").get(pk=answer.pk)


def deviation_decide(
    *,
    actor: Any,
    answer: Answer,
    accept: bool,
    comment: str = "",
    expected_version: int,
    address: str | None = None,
) -> Answer:
    """The working group accepts or rejects a proposed deviation. Accepting it makes the item
    count as not applicable; the audit event records the rating's effect before and after."""
    _require_reviewer(actor, answer)
    if not accept and not comment.strip():
        raise ServiceError(_("Say why the deviation is rejected: a comment is required."))
    with transaction.atomic():
        locked = _lock_answer_for_review(actor, answer, expected_version)
        _require_reviewer(actor, locked)
        if locked.deviation_status != DeviationStatus.PROPOSED:
            raise InvalidState(_("There is no proposed deviation to decide on."))
        status = DeviationStatus.ACCEPTED if accept else DeviationStatus.REJECTED
        Answer.objects.filter(pk=locked.pk).update(
            deviation_status=status,
            deviation_decided_at=timezone.now(),
            deviation_decided_by=_user(actor),
            version=F("version") + 1,
        )
        _recheck_round_active(locked)
        kind = CommentKind.DEVIATION_ACCEPTED if accept else CommentKind.DEVIATION_REJECTED
        _comment(locked, actor, kind, comment, locked.version)
        effective_before = locked.level.code if locked.level_id else None
        record(
            "deviation.accepted" if accept else "deviation.rejected",
            actor=actor,
            organisation=locked.assessment.organisation,
            round=locked.assessment.round,
            address=address,
            requirement=locked.requirement.code,
            comment=comment.strip(),
            before={"counts_as": effective_before},
            after={"counts_as": _not_applicable_code(locked) if accept else effective_before},
        )
    return Answer.objects.select_related("level", "requirement").get(pk=answer.pk)


def _not_applicable_code(answer: Answer) -> str | None:
    level = answer.requirement.norm_version.scale.filter(not_applicable=True).first()
    return level.code if level else None


def comment_add(
    *, actor: Any, answer: Answer, text: str, address: str | None = None
) -> ReviewComment:
    """A remark in the item's thread, by the organisation's editors or the working group."""
    assessment = answer.assessment
    require(actor, "assessments.comment_assessment", assessment)
    if not text.strip():
        raise ServiceError(_("Write a comment first."))
    with transaction.atomic():
        comment = _comment(answer, actor, CommentKind.COMMENT, text, answer.version)
        record(
            "comment.added",
            actor=actor,
            organisation=assessment.organisation,
            round=assessment.round,
            address=address,
            requirement=answer.requirement.code,
            comment=comment.pk,
        )
    return comment
