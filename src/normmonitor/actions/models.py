"""Bottlenecks and the actions that resolve them: one action per organisation and item (and,
optionally, the round in which it came up), with comments; and the log that keeps reminders
idempotent."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from normmonitor.norms.models import Requirement
from normmonitor.organisations.models import Organisation
from normmonitor.rounds.models import MonitoringRound


class ActionStatus(models.TextChoices):
    OPEN = "open", _("open")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")
    CANCELLED = "cancelled", _("cancelled")


OPEN_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


class Action(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="actions",
        verbose_name=_("organisation"),
    )
    requirement = models.ForeignKey(
        Requirement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("item"),
    )
    round = models.ForeignKey(
        MonitoringRound,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("round"),
    )
    description = models.TextField(_("description"))
    owner = models.CharField(_("owner"), max_length=200, blank=True)
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner (user)"),
        help_text=_("Receives the reminders; without one, the organisation's editors do."),
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    origin = models.CharField(
        _("origin"),
        max_length=200,
        blank=True,
        help_text="Where the action was proposed, e.g. resiliencescan:12:B3 (keeps it unique).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["due_date", "pk"]
        indexes = [models.Index(fields=["status", "due_date"])]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "origin"],
                condition=~models.Q(origin=""),
                name="unique_action_origin",
            ),
        ]
        verbose_name = _("action")
        verbose_name_plural = _("actions")

    def __str__(self) -> str:
        return self.description[:80]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, today) -> bool:
        return self.is_open and self.due_date is not None and self.due_date < today


class ActionComment(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    author_name = models.CharField(max_length=150, blank=True)
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return f"{self.author_name}: {self.text[:60]}"


class ReminderLog(models.Model):
    """One reminder sent to one address on one day. The unique constraint makes ``remind``
    idempotent per day even when two runs overlap."""

    class Kind(models.TextChoices):
        DEADLINE = "deadline", _("round deadline")
        OVERDUE = "overdue", _("overdue action")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    key = models.CharField(max_length=200, help_text="What the reminder is about.")
    recipient = models.EmailField()
    sent_on = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "recipient", "sent_on"], name="unique_reminder_per_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sent_on} {self.key} → {self.recipient}"
