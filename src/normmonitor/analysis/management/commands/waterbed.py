"""``normmonitor waterbed --round R [--json]``: the waterbed analysis of a round."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from normmonitor.analysis.selectors import round_waterbed, waterbed_as_json
from normmonitor.rounds.models import MonitoringRound
from normmonitor.scoring import as_percent


class Command(BaseCommand):
    help = (
        "Print where an organisation lacks a barrier that its neighbours (and most of the "
        "region) have, and each organisation's exposure (docs/waterbed.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--round", required=True, dest="round_key", help="Round key")
        parser.add_argument("--json", action="store_true", help="Machine-readable output")

    def handle(self, *args, round_key: str, **options) -> None:
        try:
            monitoring_round = MonitoringRound.objects.select_related(
                "region", "norm_version__norm"
            ).get(key=round_key)
        except MonitoringRound.DoesNotExist as missing:
            raise CommandError(f"No round with key {round_key!r}") from missing
        waterbed = round_waterbed(monitoring_round)
        if options["json"]:
            data = waterbed_as_json(monitoring_round, waterbed)
            self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
            return
        self.stdout.write(
            f"{monitoring_round.key}: {len(waterbed.weak_spots)} weak spots "
            f"(barrier missing where the neighbours, and most of the region, have it)"
        )
        for number, spot in enumerate(waterbed.weak_spots, start=1):
            gap = spot.gap
            against = (
                "neighbours " + ", ".join(o.name for o in spot.holders)
                if gap.basis == "neighbours"
                else f"{len(gap.holders)} of {len(gap.peers)} in the region"
            )
            since = f", open since {spot.since.key}" if spot.rounds > 1 else ""
            self.stdout.write(
                f"{number:>3}. {spot.organisation.name:<20} {spot.requirement.label:<8} "
                f"{gap.status:<12} held by {against}; region "
                f"{as_percent(gap.region_share)}{since}"
            )
        self.stdout.write("Exposure per organisation:")
        for organisation, exposure in waterbed.exposure_rows():
            self.stdout.write(
                f"  {organisation.code:<8} {organisation.name:<20} {float(exposure.total):>6.2f}"
                f"  missing {exposure.missing}/{exposure.barriers} barriers"
            )
