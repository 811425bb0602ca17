"""An organisation's self-assessment in a round: one Answer per applicable, directly rated
requirement. Derived requirements have no answer of their own; scoring computes them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from normmonitor.norms.models import Requirement, ScaleLevel
from normmonitor.organisations.models import Organisation
from normmonitor.rounds.models import MonitoringRound


class Assessment(models.Model):
    round = models.ForeignKey(MonitoringRound, on_delete=models.CASCADE, related_name="assessments")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="assessments"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["round", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "organisation"], name="unique_assessment"),
        ]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")

    def __str__(self) -> str:
        return f"{self.organisation} – {self.round}"


class Answer(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, related_name="answers")
    level = models.ForeignKey(
        ScaleLevel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rating"),
    )
    explanation = models.TextField(_("explanation"), blank=True)
    planned_date = models.DateField(_("planned date"), null=True, blank=True)
    owner = models.CharField(_("owner"), max_length=200, blank=True)
    last_done_on = models.DateField(
        _("last done on"),
        null=True,
        blank=True,
        help_text=_("For periodic duties (such as a yearly evaluation): when it was last done."),
    )
    carried_over = models.BooleanField(
        _("carried over"),
        default=False,
        help_text=_("Copied from the previous round and not yet confirmed."),
    )
    version = models.PositiveIntegerField(default=0, help_text="Increases with every save.")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["assessment", "requirement__order"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "requirement"], name="unique_answer"),
        ]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self) -> str:
        return f"{self.assessment}: {self.requirement.label}"

    @property
    def is_answered(self) -> bool:
        return self.level_id is not None
