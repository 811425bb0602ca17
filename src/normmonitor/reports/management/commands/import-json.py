"""``normmonitor import-json FILE``: load an installation export into an empty installation."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from normmonitor.reports.exports.installation import ImportRefused, import_installation


class Command(BaseCommand):
    help = (
        "Load a file made by `normmonitor export-json` into an empty installation: everything "
        "is validated first and written in one transaction, or nothing is."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The JSON export")

    def handle(self, *args, file: str, **options) -> None:
        try:
            data = json.loads(Path(file).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CommandError(f"{file}: cannot read: {error}") from error
        try:
            result = import_installation(data)
        except ImportRefused as refused:
            for problem in refused.problems[:50]:
                self.stderr.write(f"  {problem}")
            if len(refused.problems) > 50:
                self.stderr.write(f"  … and {len(refused.problems) - 50} more")
            raise CommandError(f"{file}: not imported; nothing was changed.") from refused
        self.stdout.write(
            f"Imported {result.norm_versions} norm versions, {result.organisations} "
            f"organisations, {result.regions} regions, {result.rounds} rounds, "
            f"{result.answers} answers and {result.evidence} evidence records."
        )
        for warning in result.warnings:
            self.stderr.write(f"Warning: {warning}")
