"""Resilience scans (weerbaarheidsscan): a questionnaire stored as data, answered per
organisation; the recommendations report is computed from the answers, never stored."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from normmonitor.organisations.models import Organisation


class Questionnaire(models.Model):
    """A loaded questionnaire file; immutable like a norm version (a changed file is loaded
    beside it), so that completed scans keep the questions they answered."""

    key = models.SlugField(_("key"), max_length=80)
    version = models.CharField(_("version"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    content_hash = models.CharField(max_length=64)
    document = models.JSONField()
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["key", "-loaded_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "version", "content_hash"], name="unique_questionnaire_content"
            ),
        ]
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")

    def __str__(self) -> str:
        return f"{self.name} {self.version}"


class ScanState(models.TextChoices):
    DRAFT = "draft", _("in progress")
    COMPLETED = "completed", _("completed")


class Scan(models.Model):
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="scans")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="scans", verbose_name=_("organisation")
    )
    conducted_on = models.DateField(_("date of the scan"))
    conducted_by = models.CharField(
        _("conducted by"), max_length=200, blank=True, help_text=_("For example: RIEC / DTO.")
    )
    baseline = models.BooleanField(
        _("baseline"),
        default=False,
        help_text=_("The baseline measurement (nulmeting) before the first round."),
    )
    state = models.CharField(max_length=20, choices=ScanState.choices, default=ScanState.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-conducted_on", "-pk"]
        verbose_name = _("resilience scan")
        verbose_name_plural = _("resilience scans")

    def __str__(self) -> str:
        return f"{self.organisation} {self.conducted_on}"

    @property
    def is_completed(self) -> bool:
        return self.state == ScanState.COMPLETED


class ScanAnswer(models.Model):
    scan = models.ForeignKey(Scan, on_delete=models.CASCADE, related_name="answers")
    question = models.CharField(max_length=40)
    answer = models.CharField(max_length=40, blank=True)
    note = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["scan", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["scan", "question"], name="unique_scan_answer"),
        ]

    def __str__(self) -> str:
        return f"{self.scan}: {self.question}={self.answer}"
