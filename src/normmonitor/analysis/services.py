"""Writes of the analysis app: a region's waterbed settings."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from normmonitor.audit.services import record
from normmonitor.core.exceptions import ServiceError
from normmonitor.core.permissions import require
from normmonitor.norms.models import NormVersion
from normmonitor.organisations.models import Region

from .models import RegionAnalysisConfig, ThemeWeight


def config_update(
    *,
    actor: Any,
    region: Region,
    norm_version: NormVersion,
    majority: Decimal,
    theme_weights: dict[str, Decimal],
) -> RegionAnalysisConfig:
    """Set the majority share and the theme weights (for one norm version) of a region's
    waterbed analysis."""
    require(actor, "analysis.manage_region_analysis", region)
    if not Decimal(0) <= majority < Decimal(1):
        raise ServiceError(_("The majority share must be at least 0 and below 1."))
    known = set(norm_version.themes.values_list("code", flat=True))
    unknown = set(theme_weights) - known
    if unknown:
        raise ServiceError(_("Unknown theme: %(codes)s") % {"codes": ", ".join(sorted(unknown))})
    if any(weight < 0 for weight in theme_weights.values()):
        raise ServiceError(_("A theme weight cannot be negative."))
    with transaction.atomic():
        config, _created = RegionAnalysisConfig.objects.select_for_update().get_or_create(
            region=region
        )
        before = {
            "majority": str(config.majority),
            "theme_weights": {
                w.theme_code: str(w.weight)
                for w in config.theme_weights.filter(norm_version=norm_version)
            },
        }
        config.majority = majority
        config.updated_by = actor if actor is not None and actor.is_authenticated else None
        config.save()
        for code, weight in theme_weights.items():
            ThemeWeight.objects.update_or_create(
                config=config,
                norm_version=norm_version,
                theme_code=code,
                defaults={"weight": weight},
            )
        record(
            "analysis.config_updated",
            actor=actor,
            region=region.key,
            norm_version=norm_version.pk,
            before=before,
            after={
                "majority": str(majority),
                "theme_weights": {code: str(w) for code, w in theme_weights.items()},
            },
        )
    return config
