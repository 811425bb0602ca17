"""Export files as the web and the commands hand them out: name, type and bytes."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from normmonitor.rounds.models import MonitoringRound

from ..render import RenderedFile

EXPORT_FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "csv": "text/csv; charset=utf-8",
}


def round_export_file(
    monitoring_round: MonitoringRound, fmt: str, progress: Any = None
) -> RenderedFile:
    """A round as XLSX or ODS (summary and answers sheets) or CSV (the answers)."""
    from .tables import answers_table, round_tables
    from .writers import to_csv, to_ods, to_xlsx

    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"Unknown export format {fmt!r}")
    if fmt == "csv":
        content = to_csv(answers_table(monitoring_round, progress))
    else:
        tables = round_tables(monitoring_round, progress)
        if progress:
            progress(70, _("Writing the file"))
        content = to_xlsx(tables) if fmt == "xlsx" else to_ods(tables)
    return RenderedFile(content, f"export-{monitoring_round.key}.{fmt}", EXPORT_FORMATS[fmt])


def installation_export_file(progress: Any = None) -> RenderedFile:
    from .installation import dumps, export_installation

    content = dumps(export_installation(progress))
    stamp = timezone.localdate().isoformat()
    return RenderedFile(content, f"normmonitor-export-{stamp}.json", "application/json")
