"""``normmonitor remind``: send today's reminders (run it daily, e.g. from cron)."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from normmonitor.actions.reminders import DEADLINE_DAYS, OVERDUE_EVERY, send_reminders


def _days(text: str) -> tuple[int, ...]:
    try:
        days = tuple(sorted({int(part) for part in text.split(",") if part.strip()}))
    except ValueError as error:
        raise CommandError(f"--deadline-days takes numbers like 14,7,1, not {text!r}") from error
    if any(day < 0 for day in days):
        raise CommandError("--deadline-days cannot be negative")
    return days


class Command(BaseCommand):
    help = (
        "E-mail reminders before a round's deadline and for overdue actions. Idempotent per "
        "day: running it again the same day sends nothing new. Every reminder is audited."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date", type=date.fromisoformat, help="Act as if today were this date (YYYY-MM-DD)"
        )
        parser.add_argument(
            "--deadline-days",
            default=",".join(str(day) for day in DEADLINE_DAYS),
            help="Days before a deadline to remind at (default %(default)s)",
        )
        parser.add_argument(
            "--overdue-every",
            type=int,
            default=OVERDUE_EVERY,
            help="Remind an overdue action at most once per this many days (default %(default)s)",
        )
        parser.add_argument("--dry-run", action="store_true", help="List, do not send")

    def handle(self, *args, **options) -> None:
        today = options["date"] or timezone.localdate()
        if options["overdue_every"] < 1:
            raise CommandError("--overdue-every must be at least 1")
        reminders = send_reminders(
            today=today,
            deadline_days=_days(options["deadline_days"]),
            overdue_every=options["overdue_every"],
            dry_run=options["dry_run"],
        )
        verb = "would send" if options["dry_run"] else "sent"
        for reminder in reminders:
            self.stdout.write(f"{verb} {reminder.kind}: {reminder.subject} → {reminder.recipient}")
        self.stdout.write(f"{today.isoformat()}: {len(reminders)} reminder(s) {verb}")
