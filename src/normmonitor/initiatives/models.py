"""A register of projects that strengthen the approach: a quality mark for a business park,
the approach of holiday parks with matched funding, the priorities of a safety plan."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from normmonitor.norms.models import Norm
from normmonitor.organisations.models import Organisation, Region


class InitiativeStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    RUNNING = "running", _("running")
    COMPLETED = "completed", _("completed")
    STOPPED = "stopped", _("stopped")


class Initiative(models.Model):
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    region = models.ForeignKey(
        Region,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="initiatives",
        verbose_name=_("region"),
    )
    organisations = models.ManyToManyField(
        Organisation, related_name="initiatives", verbose_name=_("organisations")
    )
    lead = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lead organisation"),
    )
    partners = models.TextField(
        _("other partners"),
        blank=True,
        help_text=_("Partners that are not organisations in Normmonitor (companies, police…)."),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=InitiativeStatus.choices,
        default=InitiativeStatus.PLANNED,
    )
    start_date = models.DateField(_("start"), null=True, blank=True)
    end_date = models.DateField(_("end"), null=True, blank=True)
    budget = models.DecimalField(
        _("budget (EUR)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    funding_source = models.CharField(_("funding source"), max_length=300, blank=True)
    norm = models.ForeignKey(
        Norm,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("norm"),
    )
    ambition_codes = models.JSONField(
        _("linked ambitions"),
        default=list,
        blank=True,
        help_text=_("Codes of the norm's items the initiative contributes to, such as 3.5."),
    )
    source = models.TextField(_("source"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-start_date", "title"]
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")

    def __str__(self) -> str:
        return self.title


class Funding(models.Model):
    """One contribution to an initiative's budget, possibly matching another one (the
    holiday-park impulse: EUR 50,000 a year from the ministry, matched by the partners)."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="funding")
    source = models.CharField(_("source"), max_length=200)
    amount = models.DecimalField(_("amount (EUR)"), max_digits=12, decimal_places=2)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    matches = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="matched_by",
        verbose_name=_("matches"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["year", "pk"]
        verbose_name = _("funding")
        verbose_name_plural = _("funding")

    def __str__(self) -> str:
        return f"{self.source} {self.amount}"
