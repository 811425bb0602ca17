"""``normmonitor resiliencescan validate|load|report``: resilience scan questionnaires."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from normmonitor.organisations.models import Organisation
from normmonitor.resiliencescan.models import Scan, ScanState
from normmonitor.resiliencescan.questionnaire import QuestionnaireError, read_questionnaire_file
from normmonitor.resiliencescan.selectors import scan_report
from normmonitor.resiliencescan.services import load_questionnaire


class Command(BaseCommand):
    help = "Validate and load scan questionnaires; print a scan's recommendations report."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="COMMAND")
        validate = sub.add_parser("validate", help="check questionnaire files")
        validate.add_argument("files", nargs="+", metavar="FILE")
        load = sub.add_parser("load", help="load questionnaire files")
        load.add_argument("files", nargs="+", metavar="FILE")
        report = sub.add_parser("report", help="the recommendations report of a scan")
        report.add_argument("--organisation", required=True, help="Organisation code")
        report.add_argument("--scan", type=int, help="Scan id (default: the latest completed)")
        report.add_argument("--json", action="store_true", help="Machine-readable output")

    def handle(self, *args, subcommand: str, **options) -> None:
        getattr(self, f"handle_{subcommand}")(**options)

    def _read(self, files: list[str]):
        documents, failed = {}, 0
        for path in files:
            try:
                documents[path] = read_questionnaire_file(path)
            except QuestionnaireError as error:
                failed += 1
                for problem in error.problems:
                    self.stderr.write(problem.format(path))
        if failed:
            raise CommandError(f"{failed} of {len(files)} questionnaire(s) have problems")
        return documents

    def handle_validate(self, files: list[str], **options) -> None:
        for path, document in self._read(files).items():
            self.stdout.write(
                f"OK {path}: {document.key} {document.version}: {len(document.sections)} "
                f"sections, {len(document.questions)} questions (sha256 "
                f"{document.content_hash[:12]})"
            )

    def handle_load(self, files: list[str], **options) -> None:
        for path, document in self._read(files).items():
            try:
                result = load_questionnaire(document)
            except QuestionnaireError as error:
                for problem in error.problems:
                    self.stderr.write(problem.format(path))
                raise CommandError(f"{path} does not fit its norm") from error
            self.stdout.write(f"{path}: {result.message}")

    def handle_report(self, organisation: str, scan: int | None, **options) -> None:
        try:
            organisation_obj = Organisation.objects.get(code=organisation)
        except Organisation.DoesNotExist as missing:
            raise CommandError(f"No organisation {organisation!r}") from missing
        scans = Scan.objects.filter(organisation=organisation_obj)
        chosen = (
            scans.filter(pk=scan).first()
            if scan
            else scans.filter(state=ScanState.COMPLETED).order_by("-conducted_on").first()
        )
        if chosen is None:
            raise CommandError(f"No (completed) scan of {organisation}")
        content = scan_report(chosen)
        data = {
            "organisation": organisation,
            "scan": chosen.pk,
            "conducted_on": chosen.conducted_on.isoformat(),
            "baseline": chosen.baseline,
            "answered": content.report.answered,
            "questions": content.report.questions,
            "recommendations": [
                {
                    "question": r.question.code,
                    "text": r.question.text,
                    "answer": r.answer.code if r.answer else None,
                    "severity": r.severity,
                    "ambitions": list(r.ambitions),
                    "recommendation": r.question.recommendation,
                    "actions": list(r.actions),
                }
                for r in content.report.recommendations
            ],
            "baseline_by_ambition": {b.ambition: b.status for b in content.report.baseline},
        }
        if options["json"]:
            self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
            return
        self.stdout.write(
            f"{organisation_obj.name}, scan of {chosen.conducted_on}: "
            f"{len(data['recommendations'])} recommendations"
        )
        for r in data["recommendations"]:
            self.stdout.write(
                f"  [{r['severity']}] {r['question']} ({', '.join(r['ambitions'])}): "
                f"{r['recommendation']}"
            )
