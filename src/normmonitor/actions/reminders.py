"""Reminders by e-mail: before a round's deadline to the editors of organisations whose
assessment is not complete, and for overdue actions. Run daily by ``normmonitor remind`` (or
the ``send_reminders`` task); idempotent per day, every reminder sent is audited.

- **Deadline**: for an open round whose deadline is at most ``max(deadline_days)`` days away,
  each incomplete assessment is reminded once per step of ``deadline_days`` (by default 14, 7
  and 1 days before; a missed run is made up the next day, a step is never sent twice).
- **Overdue action**: an open action past its due date is reminded at most once every
  ``overdue_every`` days (by default weekly).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from normmonitor.access.models import Role
from normmonitor.assessments.models import Assessment
from normmonitor.audit.services import record
from normmonitor.organisations.models import Organisation
from normmonitor.rounds.models import MonitoringRound, RoundState

from .models import OPEN_STATUSES, Action, ReminderLog

DEADLINE_DAYS: tuple[int, ...] = (14, 7, 1)
OVERDUE_EVERY = 7


@dataclass(frozen=True)
class Reminder:
    kind: str
    key: str
    recipient: str
    subject: str
    body: str
    organisation: Organisation
    round: MonitoringRound | None = None
    action: Action | None = None


def editor_addresses(organisation: Organisation) -> list[str]:
    """The e-mail addresses of an organisation's editors; its contact address without them."""
    users = get_user_model().objects.filter(
        memberships__role=Role.EDITOR,
        memberships__organisation=organisation,
        is_active=True,
    )
    addresses = sorted({user.email for user in users if user.email})
    if not addresses and organisation.contact_email:
        addresses = [organisation.contact_email]
    return addresses


def _link(path: str) -> str:
    return f"{getattr(settings, 'NORMMONITOR_BASE_URL', '').rstrip('/')}{path}"


def deadline_step(days_left: int, steps: Sequence[int]) -> int | None:
    """The reminder step a number of days before the deadline falls in: the smallest step not
    below it; None when the deadline is further away than every step, or has passed."""
    if days_left < 0:
        return None
    eligible = [step for step in steps if days_left <= step]
    return min(eligible) if eligible else None


def due_reminders(
    today: date,
    deadline_days: Sequence[int] = DEADLINE_DAYS,
    overdue_every: int = OVERDUE_EVERY,
) -> list[Reminder]:
    """Every reminder that is due today and was not sent yet."""
    return [
        reminder
        for reminder in [
            *_deadline_reminders(today, deadline_days),
            *_overdue_reminders(today, overdue_every),
        ]
        if not _already_sent(reminder, today, overdue_every)
    ]


def _already_sent(reminder: Reminder, today: date, overdue_every: int) -> bool:
    sent = ReminderLog.objects.filter(key=reminder.key, recipient=reminder.recipient)
    if reminder.kind == ReminderLog.Kind.OVERDUE:
        sent = sent.filter(sent_on__gt=today - timedelta(days=overdue_every))
    return sent.exists()


def _deadline_reminders(today: date, steps: Sequence[int]) -> Iterable[Reminder]:
    if not steps:
        return
    horizon = today + timedelta(days=max(steps))
    rounds = MonitoringRound.objects.filter(
        state=RoundState.OPEN, deadline__gte=today, deadline__lte=horizon
    )
    assessments = (
        Assessment.objects.filter(round__in=rounds)
        .select_related("round", "organisation")
        .annotate(
            total=Count("answers"),
            answered=Count("answers", filter=Q(answers__level__isnull=False)),
            carried=Count("answers", filter=Q(answers__carried_over=True)),
        )
        .order_by("round__deadline", "organisation__name")
    )
    for assessment in assessments:
        if assessment.answered == assessment.total and not assessment.carried:
            continue
        days_left = (assessment.round.deadline - today).days
        step = deadline_step(days_left, steps)
        if step is None:
            continue
        path = reverse(
            "assessments:fill", args=[assessment.round.key, assessment.organisation.code]
        )
        subject = _("Reminder: %(round)s closes on %(deadline)s") % {
            "round": assessment.round.name,
            "deadline": assessment.round.deadline.strftime("%d-%m-%Y"),
        }
        body = _(
            "The assessment of %(organisation)s in %(round)s is not complete: %(answered)s of "
            "%(total)s items answered, %(carried)s carried over from the previous round and "
            "not yet confirmed. The deadline is %(deadline)s (%(days)s days from now).\n\n"
            "Fill it in: %(link)s\n"
        ) % {
            "organisation": assessment.organisation.name,
            "round": assessment.round.name,
            "answered": assessment.answered,
            "total": assessment.total,
            "carried": assessment.carried,
            "deadline": assessment.round.deadline.strftime("%d-%m-%Y"),
            "days": days_left,
            "link": _link(path),
        }
        for address in editor_addresses(assessment.organisation):
            yield Reminder(
                kind=ReminderLog.Kind.DEADLINE,
                key=f"round-deadline:{assessment.pk}:{step}",
                recipient=address,
                subject=subject,
                body=body,
                organisation=assessment.organisation,
                round=assessment.round,
            )


def _overdue_reminders(today: date, overdue_every: int) -> Iterable[Reminder]:
    actions = (
        Action.objects.filter(status__in=OPEN_STATUSES, due_date__lt=today)
        .select_related("organisation", "requirement", "round", "owner_user")
        .order_by("due_date", "pk")
    )
    for action in actions:
        item = f" ({action.requirement.label})" if action.requirement_id else ""
        subject = _("Overdue action of %(organisation)s%(item)s") % {
            "organisation": action.organisation.name,
            "item": item,
        }
        body = _(
            "This action was due on %(due)s and is still %(status)s:\n\n%(description)s\n\n"
            "Owner: %(owner)s\nUpdate it or agree a new date: %(link)s\n"
        ) % {
            "due": action.due_date.strftime("%d-%m-%Y"),
            "status": action.get_status_display(),
            "description": action.description,
            "owner": action.owner or "—",
            "link": _link(reverse("actions:detail", args=[action.pk])),
        }
        owner = action.owner_user
        addresses = (
            [owner.email]
            if owner is not None and owner.is_active and owner.email
            else editor_addresses(action.organisation)
        )
        for address in addresses:
            yield Reminder(
                kind=ReminderLog.Kind.OVERDUE,
                key=f"action-overdue:{action.pk}",
                recipient=address,
                subject=subject,
                body=body,
                organisation=action.organisation,
                round=action.round,
                action=action,
            )


def send_reminders(
    *,
    today: date,
    deadline_days: Sequence[int] = DEADLINE_DAYS,
    overdue_every: int = OVERDUE_EVERY,
    dry_run: bool = False,
) -> list[Reminder]:
    """Send the reminders due today; returns them. Each is logged and audited in the same
    transaction as its sending, so a failed send is retried by the next run."""
    language = settings.LANGUAGE_CODE
    with translation.override(language):
        reminders = due_reminders(today, deadline_days, overdue_every)
        if dry_run:
            return reminders
        sent: list[Reminder] = []
        for reminder in reminders:
            with transaction.atomic():
                _log, created = ReminderLog.objects.get_or_create(
                    key=reminder.key,
                    recipient=reminder.recipient,
                    sent_on=today,
                    defaults={"kind": reminder.kind},
                )
                if not created:  # another run sent it meanwhile
                    continue
                send_mail(
                    reminder.subject,
                    reminder.body,
                    None,  # DEFAULT_FROM_EMAIL
                    [reminder.recipient],
                )
                record(
                    "reminder.sent",
                    actor=None,
                    organisation=reminder.organisation,
                    round=reminder.round,
                    kind=reminder.kind,
                    key=reminder.key,
                    recipient=reminder.recipient,
                    action=reminder.action.pk if reminder.action else None,
                    on=today.isoformat(),
                )
            sent.append(reminder)
    return sent


__all__ = [
    "DEADLINE_DAYS",
    "OVERDUE_EVERY",
    "Reminder",
    "deadline_step",
    "due_reminders",
    "editor_addresses",
    "send_reminders",
]
