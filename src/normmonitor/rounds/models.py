"""A monitoring round (meetmoment): a region assesses itself against one norm version."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from normmonitor.norms.models import NormVersion
from normmonitor.organisations.models import Region


class RoundState(models.TextChoices):
    DRAFT = "draft", _("draft")
    OPEN = "open", _("open")
    IN_REVIEW = "in_review", _("in review")
    CLOSED = "closed", _("closed")


class MonitoringRound(models.Model):
    key = models.SlugField(_("key"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="rounds")
    norm_version = models.ForeignKey(NormVersion, on_delete=models.PROTECT, related_name="rounds")
    reference_date = models.DateField(_("reference date (peildatum)"))
    deadline = models.DateField(_("deadline"))
    state = models.CharField(
        _("state"), max_length=20, choices=RoundState.choices, default=RoundState.DRAFT
    )
    previous = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("carried over from"),
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["region__name", "-reference_date"]
        verbose_name = _("monitoring round")
        verbose_name_plural = _("monitoring rounds")

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.state == RoundState.OPEN

    @property
    def is_frozen(self) -> bool:
        return self.state == RoundState.CLOSED
