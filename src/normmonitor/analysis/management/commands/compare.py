"""``normmonitor compare --from A --to B [--organisation X] [--all] [--json]``."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from normmonitor.analysis.selectors import NotComparable, compare_rounds
from normmonitor.rounds.models import MonitoringRound


def _status(outcome) -> str | None:
    """A rated item's level; for a derived item its sub-items achieved (3/5) or its status."""
    if outcome is None:
        return None
    if outcome.level:
        return outcome.level
    if outcome.applicable_children:
        return f"{outcome.achieved_children}/{outcome.applicable_children}"
    return outcome.status


class Command(BaseCommand):
    help = (
        "List the items that changed between two rounds (improved, worsened, new, no longer "
        "applicable), across norm versions through their mapping."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", required=True, dest="earlier", help="Earlier round key")
        parser.add_argument("--to", required=True, dest="later", help="Later round key")
        parser.add_argument("--organisation", action="append", help="Organisation code(s)")
        parser.add_argument("--all", action="store_true", help="List unchanged items too")
        parser.add_argument("--json", action="store_true", help="Machine-readable output")

    def handle(self, *args, earlier: str, later: str, **options) -> None:
        rounds = {}
        for key in (earlier, later):
            try:
                rounds[key] = MonitoringRound.objects.select_related(
                    "norm_version__norm", "region"
                ).get(key=key)
            except MonitoringRound.DoesNotExist as missing:
                raise CommandError(f"No round with key {key!r}") from missing
        codes = set(options["organisation"]) if options["organisation"] else None
        try:
            comparison = compare_rounds(rounds[earlier], rounds[later], codes)
        except NotComparable as error:
            raise CommandError(str(error)) from error
        rows = comparison.rows if options["all"] else comparison.changed
        if options["json"]:
            data = {
                "from": earlier,
                "to": later,
                "crosses_versions": comparison.crosses_versions,
                "summary": comparison.summary,
                "changes": [
                    {
                        "organisation": row.organisation.code,
                        "item": row.change.item,
                        "label": row.label,
                        "change": row.change.change,
                        "relation": row.change.relation,
                        "from_items": list(row.change.sources),
                        "before": _status(row.change.before),
                        "after": _status(row.change.after),
                        "changed_by": row.changed_by or None,
                        "changed_at": row.changed_at.isoformat() if row.changed_at else None,
                    }
                    for row in rows
                ],
            }
            self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
            return
        summary = ", ".join(
            f"{n} {kind.replace('_', ' ')}" for kind, n in comparison.summary.items()
        )
        self.stdout.write(f"{earlier} → {later}: {summary}")
        for row in rows:
            who = f" ({row.changed_by}, {row.changed_at:%Y-%m-%d})" if row.changed_at else ""
            via = (
                f" [from {', '.join(row.change.sources)}]"
                if row.change.sources and row.change.sources != (row.change.item,)
                else ""
            )
            self.stdout.write(
                f"  {row.organisation.code:<8} {row.label:<8} {row.change.change:<21} "
                f"{_status(row.change.before) or '-'} → {_status(row.change.after) or '-'}"
                f"{via}{who}"
            )
