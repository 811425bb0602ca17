"""Jobs and the worker: claimed once, run in order, cleaned up; the web can start a worker."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from normmonitor.reports import jobs
from normmonitor.reports.models import ReportJob

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(settings, users, scored_round):
    settings.NORMMONITOR_REPORTS_WORKER = "external"

    def make(fmt: str = "html") -> ReportJob:
        job = jobs.job_create(
            actor=users["coordinator"],
            kind=ReportJob.Kind.REPORT,
            fmt=fmt,
            monitoring_round=scored_round,
        )
        jobs.dispatch(job)  # external: nothing happens until a worker runs
        return job

    return make


def test_a_job_is_run_once(queued):
    job = queued()
    assert jobs.run_job(job.pk) is True
    assert jobs.run_job(job.pk) is False  # already taken
    job.refresh_from_db()
    assert job.state == ReportJob.State.DONE and job.size == len(bytes(job.result))


def test_worker_runs_the_queue_oldest_first(queued):
    first, second = queued(), queued("docx")
    call_command("reports-worker", "--once")
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.state == second.state == ReportJob.State.DONE
    assert first.finished_at <= second.finished_at
    assert second.filename.endswith(".docx")


def test_worker_runs_one_job(queued, capsys):
    job = queued()
    call_command("reports-worker", "--job", str(job.pk))
    assert "done" in capsys.readouterr().out
    call_command("reports-worker", "--job", str(job.pk))
    assert "taken by another worker" in capsys.readouterr().out


def test_housekeeping(queued):
    stuck, old = queued(), queued()
    ReportJob.objects.filter(pk=stuck.pk).update(
        state=ReportJob.State.RUNNING, started_at=timezone.now() - timedelta(hours=2)
    )
    jobs.run_job(old.pk)
    ReportJob.objects.filter(pk=old.pk).update(finished_at=timezone.now() - timedelta(days=2))
    assert jobs.housekeeping() == (1, 1)
    stuck.refresh_from_db()
    assert stuck.state == ReportJob.State.FAILED
    assert not ReportJob.objects.filter(pk=old.pk).exists()


def test_spawn_mode_starts_a_worker_after_commit(
    settings, users, scored_round, monkeypatch, django_capture_on_commit_callbacks
):
    settings.NORMMONITOR_REPORTS_WORKER = "spawn"
    started = []
    monkeypatch.setattr(jobs.subprocess, "Popen", lambda args, **kwargs: started.append(args))
    job = jobs.job_create(
        actor=users["coordinator"],
        kind=ReportJob.Kind.REPORT,
        fmt="pdf",
        monitoring_round=scored_round,
    )
    with django_capture_on_commit_callbacks(execute=True):
        jobs.dispatch(job)
    assert started and started[0][-3:] == ["reports-worker", "--job", str(job.pk)]


def test_progress_is_written_to_the_job(queued):
    job = queued()
    progress = jobs._Progress(job.pk)
    progress(40, "Drawing")
    job.refresh_from_db()
    assert (job.progress, job.message) == (40, "Drawing")
    progress(41, "Drawing")  # too small a step to write
    job.refresh_from_db()
    assert job.progress == 40


def test_housekeeping_discards_unconfirmed_uploads(users, scored_round):
    from normmonitor.assessments.models import Assessment
    from normmonitor.reports.models import WorkbookImport

    assessment = Assessment.objects.get(round=scored_round, organisation__code="GM0034")
    old = WorkbookImport.objects.create(
        assessment=assessment, uploaded_by=users["almere"], sha256="0" * 64
    )
    WorkbookImport.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=2))
    recent = WorkbookImport.objects.create(
        assessment=assessment, uploaded_by=users["almere"], sha256="1" * 64
    )
    jobs.housekeeping()
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.state == WorkbookImport.State.DISCARDED
    assert recent.state == WorkbookImport.State.PENDING
