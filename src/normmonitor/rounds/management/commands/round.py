import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from normmonitor.core.exceptions import ServiceError
from normmonitor.rounds import services
from normmonitor.rounds.models import MonitoringRound


class Command(BaseCommand):
    help = "List, open and close monitoring rounds (meetmomenten). Runs as the system operator."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="List rounds")
        listing.add_argument("--json", action="store_true", help="Machine-readable output")
        for action in ("open", "review", "close"):
            p = sub.add_parser(action, help=f"{action.capitalize()} a round")
            p.add_argument("key")
            if action == "open":
                p.add_argument(
                    "--no-carry-over",
                    action="store_true",
                    help="Start empty instead of from the previous round's answers",
                )

    def handle(self, *args, action: str, **options) -> None:
        if action == "list":
            self._list(options["json"])
            return
        try:
            monitoring_round = MonitoringRound.objects.get(key=options["key"])
        except MonitoringRound.DoesNotExist as missing:
            raise CommandError(f"No round with key {options['key']!r}") from missing
        try:
            if action == "open":
                created = services.round_open(
                    actor=None,
                    monitoring_round=monitoring_round,
                    carry_over=not options["no_carry_over"],
                )
                self.stdout.write(f"Opened {monitoring_round.key}: {created} answers created")
            elif action == "review":
                services.round_start_review(actor=None, monitoring_round=monitoring_round)
                self.stdout.write(f"{monitoring_round.key} is in review")
            else:
                services.round_close(actor=None, monitoring_round=monitoring_round)
                self.stdout.write(f"Closed {monitoring_round.key}")
        except ServiceError as error:
            raise CommandError(str(error)) from error

    def _list(self, as_json: bool) -> None:
        rounds = MonitoringRound.objects.select_related("region", "norm_version__norm").order_by(
            "region__key", "reference_date"
        )
        rows = [
            {
                "key": r.key,
                "name": r.name,
                "region": r.region.key,
                "norm": r.norm_version.norm.key,
                "norm_version": r.norm_version.version,
                "norm_revision": r.norm_version.revision,
                "reference_date": r.reference_date.isoformat(),
                "deadline": r.deadline.isoformat(),
                "state": r.state,
            }
            for r in rounds
        ]
        if as_json:
            self.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False))
            return
        for row in rows:
            self.stdout.write(
                f"{row['key']:<28} {row['state']:<10} {row['region']:<12} "
                f"{row['norm']} {row['norm_version']}  {row['reference_date']}"
            )
