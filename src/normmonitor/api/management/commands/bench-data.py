"""``normmonitor bench-data``: a synthetic national installation for benchmarks.

See docs/performance.md.

Refuses to touch a database that has organisations already, unless --flush empties it first."""

from __future__ import annotations

import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from normmonitor.benchdata.build import BENCH_PASSWORD, build
from normmonitor.organisations.models import Organisation


class Command(BaseCommand):
    help = (
        "Build a synthetic national installation: CBS municipalities and provinces, the 21 water "
        "boards, regions per province and one national region, the Flevolandse Norm and a "
        "synthetic 60-ambition norm, rounds with answers, users and audit events."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--organisations", type=int, default=385, help="How many (max 385; default 385)."
        )
        parser.add_argument(
            "--rounds", type=int, default=10, help="Rounds per region (default 10)."
        )
        parser.add_argument("--ambitions", type=int, default=60, help="Of the synthetic norm.")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--no-audit", action="store_true", help="No answer.updated events.")
        parser.add_argument(
            "--flush", action="store_true", help="Empty the whole database first (all data!)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not 1 <= options["organisations"] <= 385:
            raise CommandError("--organisations must be between 1 and 385")
        if options["rounds"] < 1:
            raise CommandError("--rounds must be at least 1")
        call_command("migrate", interactive=False, verbosity=0)
        if Organisation.objects.exists():
            if not options["flush"]:
                raise CommandError(
                    "This database has organisations already. bench-data builds a synthetic "
                    "installation in an empty database; use --flush to empty it first."
                )
            call_command("flush", interactive=False, verbosity=0)
        started = time.perf_counter()
        result = build(
            organisations=options["organisations"],
            rounds=options["rounds"],
            ambitions=options["ambitions"],
            seed=options["seed"],
            audit=not options["no_audit"],
            log=lambda message: self.stderr.write(f"  {message}"),
        )
        self.stdout.write(
            f"{result.organisations} organisations, {result.neighbours} pairs of neighbours, "
            f"{result.regions} regions, {result.rounds} rounds, {result.assessments} "
            f"assessments, {result.answers} answers, {result.audit_events} audit events, "
            f"{result.users} users in {time.perf_counter() - started:.1f} s.\n"
            f"Users: bench-admin, bench-coordinator-<region>, bench-<code> (bench-gm0034); "
            f"password {BENCH_PASSWORD}"
        )
