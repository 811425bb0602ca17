"""``normmonitor report``: a report as PDF, Word or HTML, the same file as the web offers."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from normmonitor.assessments.models import Assessment
from normmonitor.audit.services import record
from normmonitor.organisations.models import Organisation
from normmonitor.reports.render import REPORT_FORMATS, report_file
from normmonitor.rounds.models import MonitoringRound


class Command(BaseCommand):
    help = (
        "Write the region report of a round, or with --organisation that organisation's report, "
        "as PDF (PDF/A-2a with PDF/UA-1 identification), DOCX or standalone HTML."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--round", required=True, dest="round_key", help="Round key")
        parser.add_argument("--organisation", help="Organisation code, such as GM0034")
        parser.add_argument("--format", required=True, choices=sorted(REPORT_FORMATS))
        parser.add_argument("-o", "--output", required=True, help="File to write ('-' for stdout)")
        parser.add_argument("--language", default="nl", help="Report language (default nl)")
        parser.add_argument(
            "--classification",
            help="Classification line on every page (default: the setting, else Vertrouwelijk)",
        )

    def handle(self, *args, round_key: str, organisation: str | None, **options) -> None:
        try:
            monitoring_round = MonitoringRound.objects.select_related(
                "region", "norm_version__norm"
            ).get(key=round_key)
        except MonitoringRound.DoesNotExist as missing:
            raise CommandError(f"No round with key {round_key!r}") from missing
        selected = None
        if organisation is not None:
            selected = Organisation.objects.filter(code=organisation).first()
            if (
                selected is None
                or not Assessment.objects.filter(
                    round=monitoring_round, organisation=selected
                ).exists()
            ):
                raise CommandError(f"{organisation} takes no part in {round_key}")
        rendered = report_file(
            monitoring_round,
            selected,
            options["format"],
            language=options["language"],
            classification=options["classification"],
        )
        output = options["output"]
        if output == "-":
            self.stdout.buffer.write(rendered.content)  # type: ignore[attr-defined]
        else:
            Path(output).write_bytes(rendered.content)
        record(
            "report.downloaded",
            actor=None,
            organisation=selected,
            round=monitoring_round,
            kind="report",
            format=options["format"],
            file=rendered.filename,
            channel="command",
        )
        if output != "-":
            self.stderr.write(f"{output}: {len(rendered.content)} bytes")
