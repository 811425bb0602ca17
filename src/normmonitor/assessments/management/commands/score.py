import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from normmonitor.assessments.selectors import round_scores_as_json
from normmonitor.rounds.models import MonitoringRound


class Command(BaseCommand):
    help = "Print the scores of a round, exactly as the dashboard shows them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--round", required=True, dest="round_key", help="Round key")
        parser.add_argument("--organisation", help="Organisation code, such as GM0034")
        parser.add_argument("--json", action="store_true", help="Machine-readable output")

    def handle(self, *args, round_key: str, organisation: str | None, **options) -> None:
        try:
            monitoring_round = MonitoringRound.objects.select_related(
                "region", "norm_version__norm"
            ).get(key=round_key)
        except MonitoringRound.DoesNotExist as missing:
            raise CommandError(f"No round with key {round_key!r}") from missing
        try:
            data = round_scores_as_json(monitoring_round, organisation)
        except LookupError as error:
            raise CommandError(str(error)) from error
        if options["json"]:
            self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
            return
        total = data["total"]
        self.stdout.write(
            f"{data['round']}: {total['percentage_rounded']} achieved "
            f"({total['achieved']}/{total['applicable']}), answered {total['completeness']}"
        )
        for code, org in data["organisations"].items():
            t = org["total"]
            self.stdout.write(
                f"  {code:<8} {org['name']:<24} {t['percentage_rounded']:>5} "
                f"({t['achieved']}/{t['applicable']})"
            )
