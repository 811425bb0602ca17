"""Loading questionnaires, and conducting and completing resilience scans."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from normmonitor.actions.models import Action
from normmonitor.actions.services import action_create
from normmonitor.audit.services import record
from normmonitor.core.exceptions import InvalidState, ServiceError
from normmonitor.core.permissions import require
from normmonitor.norms.models import NormVersion
from normmonitor.norms.selectors import get_norm_version, item_codes
from normmonitor.organisations.models import Organisation

from .models import Questionnaire, Scan, ScanAnswer, ScanState
from .questionnaire import Problem, QuestionnaireError, read_questionnaire_file
from .questionnaire import Questionnaire as QuestionnaireDocument


@dataclass(frozen=True)
class LoadResult:
    questionnaire: Questionnaire
    created: bool
    message: str


def check_against_norm(document: QuestionnaireDocument) -> NormVersion:
    """The norm version a questionnaire links to; QuestionnaireError when it is not loaded or
    lacks one of the linked items."""
    try:
        version = get_norm_version(document.norm, document.norm_version)
    except NormVersion.DoesNotExist as missing:
        raise QuestionnaireError(
            [Problem("norm", f"{missing}; load the norm before the questionnaire")],
            document.key,
        ) from missing
    codes = set(item_codes(version))
    problems = [
        Problem(f"questions.{q.code}.ambitions", f"the norm has no item '{code}'")
        for q in document.questions
        for code in q.ambitions
        if code not in codes
    ]
    if problems:
        raise QuestionnaireError(problems, document.key)
    return version


def load_questionnaire(document: QuestionnaireDocument) -> LoadResult:
    """Store a questionnaire; the same content again changes nothing."""
    check_against_norm(document)
    with transaction.atomic():
        existing = Questionnaire.objects.filter(
            key=document.key, version=document.version, content_hash=document.content_hash
        ).first()
        if existing is not None:
            return LoadResult(existing, False, f"unchanged: {document.key} {document.version}")
        questionnaire = Questionnaire.objects.create(
            key=document.key,
            version=document.version,
            name=document.name,
            content_hash=document.content_hash,
            document=document.to_dict(),
        )
        record(
            "questionnaire.loaded",
            actor=None,
            key=document.key,
            version=document.version,
            content_hash=document.content_hash,
        )
    return LoadResult(
        questionnaire,
        True,
        f"created: {document.key} {document.version} with {len(document.questions)} questions",
    )


def load_questionnaire_file(path: str | Path) -> LoadResult:
    return load_questionnaire(read_questionnaire_file(path))


def document_of(questionnaire: Questionnaire) -> QuestionnaireDocument:
    return QuestionnaireDocument.from_dict(questionnaire.document)


def scan_create(
    *,
    actor: Any,
    organisation: Organisation,
    questionnaire: Questionnaire,
    conducted_on: date,
    conducted_by: str = "",
    baseline: bool = False,
) -> Scan:
    require(actor, "resiliencescan.add_scan", organisation)
    document = document_of(questionnaire)
    if not document.questions_for(organisation.type):
        raise ServiceError(_("This questionnaire has no questions for this organisation."))
    with transaction.atomic():
        scan = Scan.objects.create(
            questionnaire=questionnaire,
            organisation=organisation,
            conducted_on=conducted_on,
            conducted_by=conducted_by,
            baseline=baseline,
            created_by=actor if actor is not None and actor.is_authenticated else None,
        )
        record(
            "scan.created",
            actor=actor,
            organisation=organisation,
            scan=scan.pk,
            questionnaire=f"{questionnaire.key} {questionnaire.version}",
            baseline=baseline,
        )
    return scan


def scan_save(*, actor: Any, scan: Scan, answers: dict[str, tuple[str | None, str]]) -> list[str]:
    """Save answers (question code → (answer code or None, note)); returns the codes of the
    questions whose answer or note changed."""
    require(actor, "resiliencescan.change_scan", scan)
    if scan.is_completed:
        raise InvalidState(_("This scan is completed; it can no longer be changed."))
    document = document_of(scan.questionnaire)
    questions = {q.code for q in document.questions_for(scan.organisation.type)}
    levels = {level.code for level in document.answers}
    for code, (answer, _note) in answers.items():
        if code not in questions:
            raise ServiceError(_("Unknown question: %(code)s") % {"code": code})
        if answer and answer not in levels:
            raise ServiceError(_("Unknown answer: %(code)s") % {"code": answer})
    user = actor if actor is not None and actor.is_authenticated else None
    changed: list[str] = []
    with transaction.atomic():
        current = {a.question: a for a in scan.answers.select_for_update()}
        for code, (answer, note) in answers.items():
            row = current.get(code)
            answer, note = answer or "", note.strip()
            if row is None:
                if not answer and not note:
                    continue
                ScanAnswer.objects.create(
                    scan=scan, question=code, answer=answer, note=note, updated_by=user
                )
            elif (row.answer, row.note) != (answer, note):
                row.answer, row.note, row.updated_by = answer, note, user
                row.save()
            else:
                continue
            changed.append(code)
        if changed:
            record(
                "scan.answered",
                actor=actor,
                organisation=scan.organisation,
                scan=scan.pk,
                questions=changed,
            )
    return changed


def scan_complete(*, actor: Any, scan: Scan) -> Scan:
    require(actor, "resiliencescan.change_scan", scan)
    document = document_of(scan.questionnaire)
    answered = set(scan.answers.exclude(answer="").values_list("question", flat=True))
    missing = [
        q.code for q in document.questions_for(scan.organisation.type) if q.code not in answered
    ]
    if missing:
        raise ServiceError(
            _("Answer every question first; open: %(codes)s") % {"codes": ", ".join(missing)}
        )
    with transaction.atomic():
        locked = Scan.objects.select_for_update().get(pk=scan.pk)
        if locked.is_completed:
            raise InvalidState(_("This scan is already completed."))
        locked.state = ScanState.COMPLETED
        locked.completed_at = timezone.now()
        locked.save(update_fields=["state", "completed_at"])
        record("scan.completed", actor=actor, organisation=scan.organisation, scan=scan.pk)
    return locked


def scan_propose_actions(*, actor: Any, scan: Scan) -> list[Action]:
    """Create the actions the report proposes for the weak answers of a completed scan, each
    linked to the organisation and to the first norm item of its question. Proposing again
    creates only what is missing."""
    from .selectors import scan_report  # selectors import services' models only

    require(actor, "resiliencescan.change_scan", scan)
    if not scan.is_completed:
        raise InvalidState(_("Complete the scan before proposing actions."))
    content = scan_report(scan)
    existing = set(
        Action.objects.filter(
            organisation=scan.organisation, origin__startswith=f"resiliencescan:{scan.pk}:"
        ).values_list("origin", flat=True)
    )
    created: list[Action] = []
    with transaction.atomic():
        for recommendation in content.report.recommendations:
            if recommendation.answer is None:
                continue
            requirement = content.requirement_for(recommendation)
            for number, text in enumerate(recommendation.actions, start=1):
                origin = f"resiliencescan:{scan.pk}:{recommendation.question.code}:{number}"
                if origin in existing:
                    continue
                created.append(
                    action_create(
                        actor=actor,
                        organisation=scan.organisation,
                        description=text,
                        requirement=requirement,
                        origin=origin,
                    )
                )
        record(
            "scan.actions_proposed",
            actor=actor,
            organisation=scan.organisation,
            scan=scan.pk,
            created=len(created),
        )
    return created
