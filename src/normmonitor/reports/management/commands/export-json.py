"""``normmonitor export-json``: the whole installation as one JSON file (docs/reports.md)."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from normmonitor.audit.services import record
from normmonitor.reports.exports.installation import dumps, export_installation


class Command(BaseCommand):
    help = (
        "Export norms, organisations, regions, rounds, answers and the evidence manifest as "
        "JSON, for `normmonitor import-json` in an empty installation."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("-o", "--output", default="-", help="File to write (default stdout)")

    def handle(self, *args, output: str, **options) -> None:
        content = dumps(export_installation())
        if output == "-":
            sys.stdout.buffer.write(content)
        else:
            Path(output).write_bytes(content)
            self.stderr.write(f"{output}: {len(content)} bytes")
        record(
            "export.created",
            actor=None,
            kind="installation_export",
            format="json",
            size=len(content),
            channel="command",
        )
