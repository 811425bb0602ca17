"""The reminders as a background task (django-tasks), for deployments that schedule tasks
instead of running ``normmonitor remind`` from cron."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django_tasks import task

from .reminders import send_reminders


@task()
def send_reminders_task(today: str | None = None) -> int:
    """Send the reminders due on ``today`` (ISO date; default: the local date). Returns how
    many were sent."""
    day = date.fromisoformat(today) if today else timezone.localdate()
    return len(send_reminders(today=day))
