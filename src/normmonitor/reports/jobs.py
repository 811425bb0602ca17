"""Long work (a PDF, a region report, an export) outside the request, with progress.

``job_create`` checks the permission and queues a ReportJob; ``dispatch`` starts it according
to ``conf.worker_mode()``; ``run_job`` does the work (in ``normmonitor reports-worker``, or in
the request in ``inline`` mode) and writes its progress to the row, which the page polls with
htmx. No threads: the worker is a separate process. docs/reports.md describes production.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import time
from datetime import timedelta
from typing import Any
from uuid import UUID

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from normmonitor.audit.services import record
from normmonitor.core.exceptions import ServiceError
from normmonitor.core.permissions import require
from normmonitor.organisations.models import Organisation
from normmonitor.rounds.models import MonitoringRound

from . import conf
from .exports.files import EXPORT_FORMATS, installation_export_file, round_export_file
from .models import ReportJob, WorkbookImport
from .render import REPORT_FORMATS, RenderedFile, report_file

logger = logging.getLogger(__name__)

STALE_AFTER = timedelta(hours=1)


def job_permission(kind: str, monitoring_round: Any, organisation: Any) -> tuple[str, Any]:
    """The permission (and its object) that a job of this kind needs, now and at download."""
    if kind == ReportJob.Kind.REPORT:
        if organisation is None:
            return "reports.view_region_report", monitoring_round
        from normmonitor.assessments.models import Assessment

        assessment = Assessment.objects.select_related("round", "organisation").get(
            round=monitoring_round, organisation=organisation
        )
        return "reports.view_organisation_report", assessment
    if kind == ReportJob.Kind.ROUND_EXPORT:
        return "reports.export_round", monitoring_round
    return "reports.export_installation", None


def job_create(
    *,
    actor: Any,
    kind: str,
    fmt: str,
    monitoring_round: MonitoringRound | None = None,
    organisation: Organisation | None = None,
    language: str | None = None,
) -> ReportJob:
    permission, obj = job_permission(kind, monitoring_round, organisation)
    require(actor, permission, obj)
    allowed = {
        ReportJob.Kind.REPORT: REPORT_FORMATS,
        ReportJob.Kind.ROUND_EXPORT: EXPORT_FORMATS,
        ReportJob.Kind.INSTALLATION_EXPORT: {"json": ""},
    }[kind]
    if fmt not in allowed:
        raise ServiceError(_("Unknown format: %(format)s") % {"format": fmt})
    job = ReportJob.objects.create(
        kind=kind,
        params={"format": fmt, "language": language or translation.get_language() or "nl"},
        requested_by=actor if actor is not None and actor.is_authenticated else None,
        round=monitoring_round,
        organisation=organisation,
        message=_("Waiting for the worker"),
    )
    return job


def dispatch(job: ReportJob) -> None:
    """Start a queued job as configured; called once its row is committed."""
    mode = conf.worker_mode()
    if mode == "inline":
        run_job(job.pk)
    elif mode == "spawn":
        transaction.on_commit(lambda: _spawn(job.pk))


def _spawn(job_id: UUID) -> None:
    try:
        subprocess.Popen(  # noqa: S603 - our own command with a UUID argument
            [sys.executable, "-m", "normmonitor", "reports-worker", "--job", str(job_id)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            close_fds=True,
        )
    except OSError:
        logger.exception("Could not start a reports worker for job %s", job_id)


def claim(job_id: UUID) -> bool:
    """Take a queued job; False when another worker was first."""
    return (
        ReportJob.objects.filter(pk=job_id, state=ReportJob.State.QUEUED).update(
            state=ReportJob.State.RUNNING,
            started_at=timezone.now(),
            progress=1,
            message=_("Started"),
        )
        == 1
    )


class _Progress:
    """Writes progress to the job row, at most every few percent (the page polls it)."""

    def __init__(self, job_id: UUID) -> None:
        self.job_id = job_id
        self.last = (0, "")

    def __call__(self, percent: int, message: str) -> None:
        percent = max(1, min(99, int(percent)))
        if percent - self.last[0] < 3 and message == self.last[1]:
            return
        self.last = (percent, message)
        ReportJob.objects.filter(pk=self.job_id).update(progress=percent, message=message[:200])


def _produce(job: ReportJob, progress: _Progress) -> RenderedFile:
    fmt = job.params["format"]
    language = job.params.get("language") or "nl"
    if job.kind == ReportJob.Kind.REPORT:
        return report_file(job.round, job.organisation, fmt, language=language, progress=progress)
    with translation.override(language):
        if job.kind == ReportJob.Kind.ROUND_EXPORT:
            return round_export_file(job.round, fmt, progress)
        return installation_export_file(progress)


def run_job(job_id: UUID) -> bool:
    """Run one job if it is still queued. Returns whether this call ran it."""
    if not claim(job_id):
        return False
    job = ReportJob.objects.select_related("round", "organisation", "requested_by").get(pk=job_id)
    progress = _Progress(job.pk)
    try:
        # The requester may have lost the permission since queueing.
        permission, obj = job_permission(job.kind, job.round, job.organisation)
        require(job.requested_by, permission, obj)
        rendered = _produce(job, progress)
    except Exception as error:
        logger.exception("Report job %s failed", job_id)
        message = str(error) if isinstance(error, ServiceError) else _("The job failed.")
        ReportJob.objects.filter(pk=job_id).update(
            state=ReportJob.State.FAILED,
            finished_at=timezone.now(),
            message=message[:200],
            error=f"{type(error).__name__}: {error}"[:5000],
        )
        return True
    with transaction.atomic():
        ReportJob.objects.filter(pk=job_id).update(
            state=ReportJob.State.DONE,
            finished_at=timezone.now(),
            progress=100,
            message=_("Ready"),
            result=rendered.content,
            size=len(rendered.content),
            filename=rendered.filename,
            content_type=rendered.content_type,
        )
        if job.kind != ReportJob.Kind.REPORT:
            record(
                "export.created",
                actor=job.requested_by,
                round=job.round,
                kind=job.kind,
                format=job.params["format"],
                file=rendered.filename,
                size=len(rendered.content),
                job=str(job.pk),
            )
    return True


def next_queued() -> UUID | None:
    return (
        ReportJob.objects.filter(state=ReportJob.State.QUEUED)
        .order_by("created_at")
        .values_list("pk", flat=True)
        .first()
    )


def housekeeping(now: Any = None) -> tuple[int, int]:
    """Fail jobs whose worker vanished, delete finished jobs past their retention. Returns
    (failed, deleted)."""
    now = now or timezone.now()
    failed = ReportJob.objects.filter(
        state=ReportJob.State.RUNNING, started_at__lt=now - STALE_AFTER
    ).update(
        state=ReportJob.State.FAILED,
        finished_at=now,
        message=_("The worker stopped before the job was done."),
    )
    deleted, _details = ReportJob.objects.filter(
        finished_at__lt=now - timedelta(hours=conf.job_retention_hours())
    ).delete()
    # Uploaded workbooks nobody confirmed: their preview is out of date by now.
    WorkbookImport.objects.filter(
        state=WorkbookImport.State.PENDING,
        created_at__lt=now - timedelta(hours=conf.job_retention_hours()),
    ).update(state=WorkbookImport.State.DISCARDED, decided_at=now)
    return failed, deleted


def work(*, once: bool = False, poll_seconds: float = 2.0, stop_after: int | None = None) -> int:
    """The worker loop: run queued jobs oldest first; with ``once``, stop when none is left."""
    done = 0
    housekeeping()
    last_housekeeping = time.monotonic()
    while True:
        job_id = next_queued()
        if job_id is not None:
            if run_job(job_id):
                done += 1
            if stop_after is not None and done >= stop_after:
                return done
            continue
        if once:
            return done
        if time.monotonic() - last_housekeeping > 600:
            housekeeping()
            last_housekeeping = time.monotonic()
        time.sleep(poll_seconds)


def downloadable(job: ReportJob, user: Any) -> bool:
    """Only the requester, who must still hold the permission, downloads a finished job."""
    if job.state != ReportJob.State.DONE or job.requested_by_id != getattr(user, "pk", None):
        return False
    try:
        permission, obj = job_permission(job.kind, job.round, job.organisation)
        require(user, permission, obj)
    except Exception:  # a missing assessment counts as no permission too
        return False
    return True


def record_download(job: ReportJob, *, actor: Any, address: str | None) -> None:
    name = "report.downloaded" if job.kind == ReportJob.Kind.REPORT else "export.downloaded"
    record(
        name,
        actor=actor,
        organisation=job.organisation,
        round=job.round,
        address=address,
        kind=job.kind,
        format=job.params.get("format"),
        file=job.filename,
        job=str(job.pk),
    )
