"""A region's settings for the waterbed analysis (docs/waterbed.md)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from normmonitor.norms.models import NormVersion
from normmonitor.organisations.models import Region


class RegionAnalysisConfig(models.Model):
    """How a region weighs its waterbed analysis. Without a row the defaults apply: every
    theme weighs 1 and a weak spot needs more than half of the rest of the region."""

    region = models.OneToOneField(
        Region, on_delete=models.CASCADE, related_name="analysis_config", verbose_name=_("region")
    )
    majority = models.DecimalField(
        _("majority share"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.5"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal("0.999"))],
        help_text=_(
            "A missing barrier is a weak spot when more than this share of the rest of the "
            "region has it (0.5: most of the region)."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("waterbed settings")
        verbose_name_plural = _("waterbed settings")

    def __str__(self) -> str:
        return str(self.region)


class ThemeWeight(models.Model):
    """The weight of one theme of one norm version in a region's exposure figure."""

    config = models.ForeignKey(
        RegionAnalysisConfig, on_delete=models.CASCADE, related_name="theme_weights"
    )
    norm_version = models.ForeignKey(NormVersion, on_delete=models.CASCADE, related_name="+")
    theme_code = models.CharField(_("theme"), max_length=20)
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["config", "norm_version", "theme_code"], name="unique_theme_weight"
            ),
        ]
        verbose_name = _("theme weight")
        verbose_name_plural = _("theme weights")

    def __str__(self) -> str:
        return f"{self.config.region} {self.norm_version} {self.theme_code}: {self.weight}"
