"""Adding, replacing and withdrawing evidence, and reading it back. Every function checks the
actor's permission, makes one change in one transaction and records one audit event; a
download is a sensitive read and is audited too.

Other apps attach documents through ``evidence_add`` (the document scan does)."""

from __future__ import annotations

from datetime import date
from typing import Any, BinaryIO

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from normmonitor.assessments.models import Answer, ReviewStatus
from normmonitor.audit.services import record
from normmonitor.core.exceptions import InvalidState, NotAllowed, ServiceError
from normmonitor.core.permissions import require

from . import storage
from .filetypes import Limits, RejectedFile, inspect, safe_name
from .models import Evidence


class EvidenceRejected(ServiceError):
    """The upload is not an acceptable document; nothing was stored."""


def limits() -> Limits:
    return Limits(
        max_bytes=settings.EVIDENCE_MAX_UPLOAD_BYTES,
        max_uncompressed_bytes=settings.EVIDENCE_MAX_UNCOMPRESSED_BYTES,
        max_ratio=settings.EVIDENCE_MAX_COMPRESSION_RATIO,
    )


def _user(actor: Any) -> Any:
    return actor if actor is not None and actor.is_authenticated else None


def _read_checked(uploaded_file: Any) -> tuple[bytes, str, Any]:
    """The upload's bytes, safe name and detected kind; EvidenceRejected when unacceptable."""
    name = safe_name(getattr(uploaded_file, "name", "") or "")
    size = getattr(uploaded_file, "size", None)
    if size is None:
        uploaded_file.seek(0, 2)
        size = uploaded_file.tell()
    try:
        kind = inspect(name, uploaded_file, size, limits())
    except RejectedFile as rejected:
        raise EvidenceRejected(_(rejected.message) % rejected.params) from rejected
    uploaded_file.seek(0)
    data = uploaded_file.read()
    if len(data) != size:
        raise EvidenceRejected(_("The upload was incomplete; try again."))
    return data, name, kind


def _reopen_review(answer: Answer) -> None:
    """Changed evidence means an accepted item must be looked at again (four eyes)."""
    Answer.objects.filter(pk=answer.pk, review_status=ReviewStatus.ACCEPTED).update(
        review_status=ReviewStatus.PENDING, version=F("version") + 1
    )


def evidence_add(
    *,
    actor: Any,
    answer: Answer,
    uploaded_file: Any,
    note: str = "",
    expires_on: date | None = None,
    source: str = "upload",
    address: str | None = None,
    replaces: Evidence | None = None,
) -> Evidence:
    """Attach a document to an answer. ``uploaded_file`` is a Django ``UploadedFile`` or any
    ``File``-like object with ``name`` and ``read``/``seek``. Raises ``NotAllowed`` without the
    right to change the assessment, ``EvidenceRejected`` when the content is not acceptable."""
    assessment = answer.assessment
    require(actor, "evidence.add_evidence", assessment)
    data, name, kind = _read_checked(uploaded_file)
    sha256 = storage.store(
        data
    )  # outside the transaction: a stray file is harmless, a lost one not
    with transaction.atomic():
        if replaces is not None:
            locked = Evidence.objects.select_for_update(of=("self",)).get(pk=replaces.pk)
            if locked.answer_id != answer.pk:
                raise ServiceError(_("That document belongs to another item."))
            if not locked.is_current:
                raise InvalidState(
                    _("That document has been replaced or withdrawn in the meantime.")
                )
        evidence = Evidence.objects.create(
            answer=answer,
            name=name,
            kind=kind.code,
            content_type=kind.content_type,
            size=len(data),
            sha256=sha256,
            note=note.strip(),
            expires_on=expires_on,
            source=source,
            uploaded_by=_user(actor),
            uploaded_by_name=_user(actor).get_username() if _user(actor) else "system",
            replaces=replaces,
        )
        _reopen_review(answer)
        record(
            "evidence.replaced" if replaces is not None else "evidence.added",
            actor=actor,
            organisation=assessment.organisation,
            round=assessment.round,
            address=address,
            requirement=answer.requirement.code,
            evidence=evidence.pk,
            replaces=replaces.pk if replaces is not None else None,
            file_name=name,
            kind=kind.code,
            size=len(data),
            sha256=sha256,
            source=source,
        )
    return evidence


def evidence_replace(
    *,
    actor: Any,
    evidence: Evidence,
    uploaded_file: Any,
    note: str | None = None,
    expires_on: date | None = None,
    address: str | None = None,
) -> Evidence:
    """Upload a new version of a document; the old one stays in the history."""
    return evidence_add(
        actor=actor,
        answer=evidence.answer,
        uploaded_file=uploaded_file,
        note=evidence.note if note is None else note,
        expires_on=expires_on,
        address=address,
        replaces=evidence,
    )


def evidence_withdraw(*, actor: Any, evidence: Evidence, address: str | None = None) -> Evidence:
    """Take a document off the item. The file and the row stay, for the history and the audit."""
    assessment = evidence.answer.assessment
    require(actor, "evidence.add_evidence", assessment)
    with transaction.atomic():
        updated = Evidence.objects.filter(
            pk=evidence.pk, withdrawn_at__isnull=True, replaced_by__isnull=True
        ).update(withdrawn_at=timezone.now(), withdrawn_by=_user(actor))
        if updated != 1:
            raise InvalidState(_("That document has been replaced or withdrawn in the meantime."))
        _reopen_review(evidence.answer)
        record(
            "evidence.withdrawn",
            actor=actor,
            organisation=assessment.organisation,
            round=assessment.round,
            address=address,
            requirement=evidence.answer.requirement.code,
            evidence=evidence.pk,
            file_name=evidence.name,
        )
    evidence.refresh_from_db()
    return evidence


def evidence_open(*, actor: Any, evidence: Evidence, address: str | None = None) -> BinaryIO:
    """The stored bytes, for a download. Checks the permission, verifies the checksum and
    records the read (``evidence.downloaded``)."""
    require(actor, "evidence.view_evidence", evidence)
    assessment = evidence.answer.assessment
    try:
        handle = storage.open_verified(evidence.sha256)
    except storage.DamagedFile as damaged:
        record(
            "evidence.damaged",
            actor=actor,
            organisation=assessment.organisation,
            round=assessment.round,
            address=address,
            evidence=evidence.pk,
            sha256=evidence.sha256,
        )
        raise ServiceError(
            _("The stored file does not match its checksum; ask an administrator.")
        ) from damaged
    record(
        "evidence.downloaded",
        actor=actor,
        organisation=assessment.organisation,
        round=assessment.round,
        address=address,
        evidence=evidence.pk,
        file_name=evidence.name,
        sha256=evidence.sha256,
    )
    return handle


__all__ = [
    "EvidenceRejected",
    "NotAllowed",
    "evidence_add",
    "evidence_open",
    "evidence_replace",
    "evidence_withdraw",
]
