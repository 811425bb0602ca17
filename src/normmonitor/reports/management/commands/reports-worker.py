"""``normmonitor reports-worker``: runs queued report and export jobs (see docs/reports.md)."""

from __future__ import annotations

import uuid

from django.core.management.base import BaseCommand, CommandError, CommandParser

from normmonitor.reports import jobs


class Command(BaseCommand):
    help = (
        "Run queued report and export jobs. Without options it keeps running (a service); "
        "--once stops when the queue is empty; --job runs one job (what the web starts)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--job", help="Run only this job (its id)")
        parser.add_argument("--once", action="store_true", help="Stop when no job is queued")
        parser.add_argument("--poll", type=float, default=2.0, help="Seconds between polls")

    def handle(self, *args, job: str | None, once: bool, poll: float, **options) -> None:
        if job is not None:
            try:
                job_id = uuid.UUID(job)
            except ValueError as bad:
                raise CommandError(f"Not a job id: {job!r}") from bad
            ran = jobs.run_job(job_id)
            self.stdout.write(f"job {job_id}: {'done' if ran else 'taken by another worker'}")
            return
        done = jobs.work(once=once, poll_seconds=poll)
        self.stdout.write(f"{done} jobs done")
