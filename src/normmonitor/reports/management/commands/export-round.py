"""``normmonitor export-round``: a round as XLSX, ODS or CSV, the same file as the web offers."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from normmonitor.audit.services import record
from normmonitor.reports.exports.files import EXPORT_FORMATS, round_export_file
from normmonitor.rounds.models import MonitoringRound


class Command(BaseCommand):
    help = "Export a round: a row per organisation and item, plus a summary sheet."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--round", required=True, dest="round_key", help="Round key")
        parser.add_argument("--format", required=True, choices=sorted(EXPORT_FORMATS))
        parser.add_argument("-o", "--output", required=True, help="File to write")
        parser.add_argument("--language", default="nl", help="Column titles' language")

    def handle(self, *args, round_key: str, output: str, **options) -> None:
        try:
            monitoring_round = MonitoringRound.objects.select_related("region").get(key=round_key)
        except MonitoringRound.DoesNotExist as missing:
            raise CommandError(f"No round with key {round_key!r}") from missing
        with translation.override(options["language"]):
            rendered = round_export_file(monitoring_round, options["format"])
        Path(output).write_bytes(rendered.content)
        record(
            "export.created",
            actor=None,
            round=monitoring_round,
            kind="round_export",
            format=options["format"],
            file=rendered.filename,
            size=len(rendered.content),
            channel="command",
        )
        self.stderr.write(f"{output}: {len(rendered.content)} bytes")
