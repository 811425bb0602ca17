"""Writes of the document scan: uploading and scanning a document, adopting findings into an
assessment, and a region's sharing setting. Each checks the permission, makes one change in one
transaction and records one audit event; rating changes go through
``assessments.services.answer_update`` so that its permissions, optimistic locking and audit
apply unchanged."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from normmonitor.assessments.models import Answer, Assessment
from normmonitor.assessments.services import answer_update
from normmonitor.audit.services import record
from normmonitor.core.exceptions import NotAllowed, ServiceError
from normmonitor.core.permissions import require
from normmonitor.evidence import storage
from normmonitor.evidence.filetypes import safe_name
from normmonitor.norms.models import ScaleLevel
from normmonitor.organisations.models import Organisation, Region

from .models import AnswerCitation, RegionScanSetting, Scan, ScannedDocument
from .scanner import (
    KINDS,
    DocumentReadError,
    Finding,
    guess_kind,
    has_provisions,
    read_document,
    scan,
)
from .selectors import answers_by_code, findings_of, rules_of, rules_version_for

DEFAULT_MAX_UPLOAD_BYTES = 20 * 1024 * 1024
QUOTE_LIMIT = 600


class DocumentRejected(ServiceError):
    """The upload cannot be scanned; nothing was stored."""


def max_upload_bytes() -> int:
    return int(getattr(settings, "DOCUMENTSCAN_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES))


def _user(actor: Any) -> Any:
    return actor if actor is not None and actor.is_authenticated else None


def _read_upload(uploaded_file: Any) -> bytes:
    limit = max_upload_bytes()
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > limit:
        raise DocumentRejected(
            _("The file is larger than %(limit)s MB.") % {"limit": limit // (1024 * 1024)}
        )
    uploaded_file.seek(0)
    data = uploaded_file.read(limit + 1)
    if len(data) > limit:
        raise DocumentRejected(
            _("The file is larger than %(limit)s MB.") % {"limit": limit // (1024 * 1024)}
        )
    if not data:
        raise DocumentRejected(_("The file is empty."))
    return data


def document_upload(
    *,
    actor: Any,
    organisation: Organisation,
    uploaded_file: Any,
    kind: str = "",
    address: str | None = None,
) -> Scan:
    """Read, scan and store an organisation's APV or policy. The type is decided from the
    content; ``kind`` (apv, bibob, damocles) is guessed from the title when empty. Raises
    NotAllowed, or DocumentRejected with a message for the user."""
    require(actor, "documentscan.upload_document", organisation)
    data = _read_upload(uploaded_file)
    try:
        document = read_document(data, max_bytes=max_upload_bytes())
    except DocumentReadError as error:
        raise DocumentRejected(_(error.message) % error.params) from error
    kind = kind or guess_kind(document) or ""
    if kind not in KINDS:
        raise DocumentRejected(
            _("Say what kind of document this is: an APV, a Bibob policy or a Damocles policy.")
        )
    if not has_provisions(document, kind):
        raise DocumentRejected(
            _(
                "No articles were recognised in this document. Upload the regulation or policy "
                "itself, not a letter about it or a scanned image of it."
            )
        )
    norm_version = rules_version_for(organisation)
    if norm_version is None:
        raise DocumentRejected(_("No norm with detection rules has been loaded."))
    started = time.perf_counter()
    findings = scan(document, rules_of(norm_version), kind=kind)
    duration_ms = round(1000 * (time.perf_counter() - started))
    sha256 = storage.store(data)  # outside the transaction: a stray file is harmless
    user = _user(actor)
    with transaction.atomic():
        stored = ScannedDocument.objects.create(
            organisation=organisation,
            kind=kind,
            title=document.title[:300],
            name=safe_name(getattr(uploaded_file, "name", "") or "document"),
            format=document.source_format,
            size=len(data),
            sha256=sha256,
            text=document.text,
            adopted_on=document.adopted_on,
            uploaded_by=user,
            uploaded_by_name=user.get_username() if user else "system",
        )
        result = Scan.objects.create(
            document=stored,
            norm_version=norm_version,
            findings=[finding.to_dict() for finding in findings],
            articles=[
                {
                    "number": article.number,
                    "title": article.title,
                    "start": article.start,
                    "end": article.end,
                    "part": article.part,
                    "amended_by": article.amended_by,
                }
                for article in document.articles
            ],
            duration_ms=duration_ms,
        )
        record(
            "document.scanned",
            actor=actor,
            organisation=organisation,
            address=address,
            document=stored.pk,
            scan=result.pk,
            file_name=stored.name,
            kind=kind,
            format=stored.format,
            sha256=sha256,
            norm_version=norm_version.pk,
            verdicts={finding.requirement: finding.verdict for finding in findings},
        )
    return result


# --------------------------------------------------------------------------------------------
# Adoption


@dataclass(frozen=True)
class Adoption:
    """One finding to adopt: its requirement, the rating to set (None: keep the current one)
    and the answer version the editor confirmed (optimistic locking)."""

    requirement: str
    level: ScaleLevel | None
    expected_version: int


def citation_text(document: ScannedDocument, finding: Finding) -> str:
    """The paragraph added to the explanation: where the rating comes from."""
    quote = finding.quote
    where = quote.location if quote else finding.article
    title = f" ({finding.article_title})" if finding.article_title else ""
    text = (quote.text if quote else "")[:QUOTE_LIMIT]
    parts = [
        _("Document scan of “%(document)s” (%(name)s, uploaded %(date)s): %(verdict)s.")
        % {
            "document": document.title or document.name,
            "name": document.name,
            "date": date_format(timezone.localtime(document.uploaded_at), "j F Y"),
            "verdict": verdict_label(finding.verdict),
        }
    ]
    if finding.article:
        parts.append(
            _("Article %(where)s%(title)s: “%(quote)s”")
            % {"where": where, "title": title, "quote": text}
        )
    if finding.why:
        parts.append(finding.why)
    return " ".join(parts)


def verdict_label(verdict: str) -> str:
    labels = {
        "present": _("present"),
        "partial": _("partly present"),
        "absent": _("not found"),
        "risk": _("legal risk"),
    }
    return labels.get(verdict, verdict)


def _with_citation(explanation: str, citation: str) -> str:
    if citation in explanation:
        return explanation
    return f"{explanation.rstrip()}\n\n{citation}".strip()


def evidence_name(document: ScannedDocument) -> str:
    """The name the document is attached under: the PDF or DOCX itself; for text, HTML and XML
    the text as read, as plain text (the evidence store accepts no web pages or XML)."""
    stem = document.name.rsplit(".", 1)[0] if "." in document.name else document.name
    return f"{stem}.{document.format if document.format in {'pdf', 'docx'} else 'txt'}"


def _evidence_file(document: ScannedDocument) -> tuple[str, bytes]:
    name = evidence_name(document)
    if document.format in {"pdf", "docx"}:
        with storage.open_verified(document.sha256) as handle:
            return name, handle.read()
    return name, document.text.encode("utf-8")


def _attach_evidence(
    actor: Any, answer: Answer, document: ScannedDocument, note: str, address: str | None
) -> Any:
    """Attach the document to the answer through the evidence service, once per answer.
    Returns the Evidence, or None when the evidence store refuses the file (the citation in
    the explanation and in AnswerCitation remains)."""
    from normmonitor.evidence.models import Evidence
    from normmonitor.evidence.services import EvidenceRejected, evidence_add

    name, payload = _evidence_file(document)
    digest = hashlib.sha256(payload).hexdigest()
    existing = Evidence.objects.current().filter(answer=answer, sha256=digest).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return evidence_add(
                actor=actor,
                answer=answer,
                uploaded_file=ContentFile(payload, name=name),
                note=note,
                source="documentscan",
                address=address,
            )
    except EvidenceRejected:
        return None


def findings_adopt(
    *,
    actor: Any,
    scan: Scan,
    assessment: Assessment,
    adoptions: list[Adoption],
    address: str | None = None,
) -> list[AnswerCitation]:
    """Adopt confirmed findings as answers of the assessment: each rating is set through
    ``answer_update`` with the citation added to the explanation, the document is attached as
    evidence, and an AnswerCitation records the link. All or nothing: if one item was changed
    by someone else in the meantime (StaleVersion) nothing is adopted."""
    require(actor, "documentscan.adopt_findings", assessment)
    document = scan.document
    if document.organisation_id != assessment.organisation_id:
        raise NotAllowed(_("This document belongs to another organisation."))
    findings = {finding.requirement: finding for finding in findings_of(scan)}
    answers = answers_by_code(assessment)
    for adoption in adoptions:
        if adoption.requirement not in findings or adoption.requirement not in answers:
            raise ServiceError(
                _("Item %(code)s is not in both this scan and this assessment.")
                % {"code": adoption.requirement}
            )
    citations: list[AnswerCitation] = []
    user = _user(actor)
    with transaction.atomic():
        for adoption in adoptions:
            finding = findings[adoption.requirement]
            answer = answers[adoption.requirement]
            before = answer.level.code if answer.level_id else ""
            citation = citation_text(document, finding)
            updated = answer_update(
                actor=actor,
                answer=answer,
                level=adoption.level if adoption.level is not None else answer.level,
                explanation=_with_citation(answer.explanation, citation),
                planned_date=answer.planned_date,
                owner=answer.owner,
                last_done_on=answer.last_done_on,
                expected_version=adoption.expected_version,
                address=address,
            )
            evidence = _attach_evidence(actor, updated, document, citation[:2000], address)
            citations.append(
                AnswerCitation.objects.create(
                    answer=updated,
                    scan=scan,
                    requirement_code=finding.requirement,
                    verdict=finding.verdict,
                    article=finding.article,
                    article_title=finding.article_title[:300],
                    quote=finding.quote.text[:QUOTE_LIMIT] if finding.quote else "",
                    level_before=before,
                    level_after=updated.level.code if updated.level_id else "",
                    evidence=evidence,
                    adopted_by=user,
                    adopted_by_name=user.get_username() if user else "system",
                )
            )
        record(
            "document.findings_adopted",
            actor=actor,
            organisation=assessment.organisation,
            round=assessment.round,
            address=address,
            document=document.pk,
            scan=scan.pk,
            items=[
                {
                    "requirement": citation.requirement_code,
                    "verdict": citation.verdict,
                    "article": citation.article,
                    "level_before": citation.level_before,
                    "level_after": citation.level_after,
                    "evidence": citation.evidence_id,
                }
                for citation in citations
            ],
        )
    return citations


# --------------------------------------------------------------------------------------------
# Region setting


def region_setting_update(
    *, actor: Any, region: Region, editors_see_region: bool, address: str | None = None
) -> RegionScanSetting:
    """Whether the region's editors may see every member's documents and findings."""
    require(actor, "documentscan.manage_region_documents", region)
    with transaction.atomic():
        setting, _created = RegionScanSetting.objects.select_for_update().get_or_create(
            region=region
        )
        before = setting.editors_see_region
        setting.editors_see_region = editors_see_region
        setting.updated_by = _user(actor)
        setting.save()
        record(
            "document.sharing_changed",
            actor=actor,
            address=address,
            region=region.key,
            before=before,
            after=editors_see_region,
        )
    return setting
