import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser

from normmonitor.core.exceptions import ServiceError
from normmonitor.norms.models import NormVersion
from normmonitor.norms.selectors import get_norm_version
from normmonitor.organisations.models import Region
from normmonitor.rounds import services
from normmonitor.rounds.models import MonitoringRound, RoundSnapshot


class Command(BaseCommand):
    help = (
        "List, create, open, close, reopen and verify monitoring rounds (meetmomenten). Runs as "
        "the system operator."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="List rounds")
        listing.add_argument("--json", action="store_true", help="Machine-readable output")
        create = sub.add_parser("create", help="Create a draft round")
        create.add_argument("key", help="Stable key, such as flevoland-2024-voorjaar")
        create.add_argument("--name", required=True)
        create.add_argument("--region", required=True, help="Region key")
        create.add_argument("--norm", required=True, help="Norm key")
        create.add_argument("--norm-version", help="Version label; default the latest")
        create.add_argument("--reference-date", required=True, type=date.fromisoformat)
        create.add_argument("--deadline", required=True, type=date.fromisoformat)
        create.add_argument("--previous", help="Key of the round to carry answers over from")
        reopen = sub.add_parser("reopen", help="Reopen a closed round (audited)")
        reopen.add_argument("key")
        reopen.add_argument("--reason", required=True, help="Why; recorded in the audit trail")
        verify = sub.add_parser(
            "verify", help="Check a closed round's snapshot against its checksum"
        )
        verify.add_argument("key", nargs="?", help="Round key; omit with --all")
        verify.add_argument("--all", action="store_true", help="Every snapshot of every round")
        verify.add_argument(
            "--compare-answers",
            action="store_true",
            help="Also list where the stored answers now differ from the snapshot",
        )
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
        if action == "create":
            self._create(options)
            return
        if action == "verify":
            self._verify(options)
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
            elif action == "reopen":
                services.round_reopen(
                    actor=None, monitoring_round=monitoring_round, reason=options["reason"]
                )
                self.stdout.write(f"Reopened {monitoring_round.key}")
            elif action == "review":
                services.round_start_review(actor=None, monitoring_round=monitoring_round)
                self.stdout.write(f"{monitoring_round.key} is in review")
            else:
                services.round_close(actor=None, monitoring_round=monitoring_round)
                self.stdout.write(f"Closed {monitoring_round.key}")
        except ServiceError as error:
            raise CommandError(str(error)) from error

    def _verify(self, options: dict) -> None:
        snapshots = RoundSnapshot.objects.select_related("round").order_by("round__key", "sequence")
        if not options["all"]:
            if not options["key"]:
                raise CommandError("Name a round, or use --all")
            snapshots = snapshots.filter(round__key=options["key"])
            if not snapshots.exists():
                raise CommandError(f"Round {options['key']!r} has no snapshot (is it closed?)")
        failures = 0
        for snapshot in snapshots:
            problems = services.snapshot_verify(snapshot)
            label = f"{snapshot.round.key} #{snapshot.sequence} sha256:{snapshot.checksum}"
            if problems:
                failures += 1
                self.stdout.write(f"FAILED {label}")
                for problem in problems:
                    self.stdout.write(f"  {problem}")
            else:
                self.stdout.write(f"OK     {label}")
            if options["compare_answers"]:
                for difference in services.snapshot_differences(snapshot):
                    self.stdout.write(f"  differs: {difference}")
        if failures:
            raise CommandError(f"{failures} snapshot(s) failed verification")

    def _create(self, options: dict) -> None:
        try:
            region = Region.objects.get(key=options["region"])
            norm_version = get_norm_version(options["norm"], options["norm_version"])
            previous = (
                MonitoringRound.objects.get(key=options["previous"])
                if options["previous"]
                else None
            )
        except (Region.DoesNotExist, MonitoringRound.DoesNotExist, NormVersion.DoesNotExist) as e:
            raise CommandError(str(e)) from e
        try:
            monitoring_round = services.round_create(
                actor=None,
                key=options["key"],
                name=options["name"],
                region=region,
                norm_version=norm_version,
                reference_date=options["reference_date"],
                deadline=options["deadline"],
                previous=previous,
            )
        except ServiceError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Created {monitoring_round.key} (draft)")

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
