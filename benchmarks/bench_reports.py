"""Timings of the reports, exports and the offline workbook on the Flevoland demo.

Usage:
    .venv/bin/python benchmarks/bench_reports.py [--repeat 5] [--json results/reports.json]
    DATABASE_URL=<an empty database> .venv/bin/python benchmarks/bench_reports.py \
        --import-json FILE      # migrate, then time `normmonitor import-json FILE` in-process

Without DATABASE_URL it builds a fresh SQLite database in a temporary folder and loads the demo
(three rounds, seven organisations); with DATABASE_URL it uses that database, which must be
empty or hold the demo already. Prints median and maximum in milliseconds per step. The results
are recorded in docs/reports.md; they are never asserted in tests.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

_TMP = tempfile.mkdtemp(prefix="nm-bench-reports-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "normmonitor.conf.test")
os.environ.setdefault("NORMMONITOR_DATA_DIR", _TMP)
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_TMP}/bench.sqlite3")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

import django  # noqa: E402

django.setup()

import openpyxl  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import translation  # noqa: E402

from normmonitor.assessments.models import Assessment  # noqa: E402
from normmonitor.reports import charts  # noqa: E402
from normmonitor.reports.exports import installation  # noqa: E402
from normmonitor.reports.exports import workbook as offline  # noqa: E402
from normmonitor.reports.exports.files import round_export_file  # noqa: E402
from normmonitor.reports.render import build_report, render_report  # noqa: E402
from normmonitor.rounds.models import MonitoringRound  # noqa: E402

ROUND, ORGANISATION = "flevoland-2023-voorjaar", "GM0034"


def timed(function: Callable[[], Any], repeat: int) -> tuple[list[float], Any]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append((time.perf_counter() - start) * 1000)
    return times, result


def import_json(path: str) -> dict[str, Any]:
    """Time reading and importing an installation export into this (empty) database, as
    `normmonitor import-json` does; bench_pages.py runs it in a fresh database per case."""
    call_command("migrate", verbosity=0)
    start, cpu = time.perf_counter(), time.process_time()
    data = json.loads(Path(path).read_bytes())
    loaded = time.perf_counter()
    result = installation.import_installation(data)
    end = time.perf_counter()
    return {
        "read_ms": round((loaded - start) * 1000, 1),
        "import_ms": round((end - loaded) * 1000, 1),
        "total_ms": round((end - start) * 1000, 1),
        "cpu_ms": round((time.process_time() - cpu) * 1000, 1),
        "rounds": result.rounds,
        "answers": result.answers,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", help="Write the results here as JSON")
    parser.add_argument("--import-json", help="Only time importing this export (empty database)")
    args = parser.parse_args()
    if args.import_json:
        print(json.dumps(import_json(args.import_json)))
        return

    call_command("migrate", verbosity=0)
    if not MonitoringRound.objects.filter(key=ROUND).exists():
        call_command("demo", "--no-serve", verbosity=0)
    monitoring_round = MonitoringRound.objects.select_related("region", "norm_version").get(
        key=ROUND
    )
    assessment = Assessment.objects.select_related("round", "organisation").get(
        round=monitoring_round, organisation__code=ORGANISATION
    )
    organisation = assessment.organisation
    results: list[tuple[str, list[float], str]] = []

    def step(name: str, function: Callable[[], Any], repeat: int = args.repeat, note=None):
        times, result = timed(function, repeat)
        size = ""
        if isinstance(result, bytes | str):
            size = f"{len(result) / 1024:.0f} KiB"
        elif hasattr(result, "content"):
            size = f"{len(result.content) / 1024:.0f} KiB"
        results.append((name, times, note or size))
        return result

    translation.activate("nl")
    region = step("content: region report", lambda: build_report(monitoring_round))
    org = step("content: organisation report", lambda: build_report(monitoring_round, organisation))
    charts._SVG_CACHE.clear()
    step("charts: region, SVG, first time", lambda: [c.svg() for c in charts.charts_for(region)], 1)
    step("charts: region, SVG, cached", lambda: [c.svg() for c in charts.charts_for(region)])
    step("charts: region, PNG (for Word)", lambda: [c.png() for c in charts.charts_for(region)])
    for fmt in ("html", "pdf", "docx"):
        step(f"report: organisation, {fmt}", lambda fmt=fmt: render_report(org, fmt).content)
        step(f"report: region, {fmt}", lambda fmt=fmt: render_report(region, fmt).content)

    client = Client()
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="coordinator"))
    step(
        "page: region report (HTML in the app)",
        lambda: client.get(reverse("reports:region", args=[ROUND])).content,
    )
    step(
        "page: one chart image (map.svg)",
        lambda: client.get(reverse("reports:region_chart", args=[ROUND, "map"])).content,
    )
    for fmt in ("xlsx", "ods", "csv"):
        step(
            f"export: round, {fmt}",
            lambda fmt=fmt: round_export_file(monitoring_round, fmt).content,
        )
    exported = step(
        "export: installation, JSON",
        lambda: installation.dumps(installation.export_installation()),
    )
    step("import: validate the JSON", lambda: installation.validate(json.loads(exported)))

    # The workbook round trip: download, fill in 10 rows, upload (read + preview), apply.
    editor = get_user_model().objects.get(username="almere")
    data = step("workbook: build (download)", lambda: offline.build_workbook(assessment))
    step("workbook: read unchanged", lambda: offline.read_workbook(data, assessment))
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book[book.sheetnames[1]]
    for row in range(2, 12):
        sheet[f"F{row}"] = f"Offline bijgewerkt, rij {row}"
    buffer = io.BytesIO()
    book.save(buffer)
    filled = buffer.getvalue()
    reading = step(
        "workbook: read 10 changed rows", lambda: offline.read_workbook(filled, assessment)
    )
    assert len(reading.changes) == 10, reading.errors

    def round_trip() -> int:
        # A fresh download with 10 changes each time, so that the versions stay current.
        fresh = openpyxl.load_workbook(io.BytesIO(offline.build_workbook(assessment)))
        sheet = fresh[fresh.sheetnames[1]]
        stamp = time.perf_counter_ns()
        for row in range(2, 12):
            sheet[f"F{row}"] = f"Offline {stamp} rij {row}"
        out = io.BytesIO()
        fresh.save(out)
        pending, _reading = offline.import_prepare(
            actor=editor, assessment=assessment, data=out.getvalue(), filename="bench.xlsx"
        )
        return offline.apply_import(actor=editor, pending=pending)

    with override_settings(NORMMONITOR_REPORTS_WORKER="inline"):
        step("workbook: download, fill 10, upload, apply", round_trip)

    width = max(len(name) for name, _times, _note in results)
    print(f"{'step':<{width}}  {'median':>8}  {'max':>8}  n   size")
    for name, times, note in results:
        print(
            f"{name:<{width}}  {statistics.median(times):8.0f}  {max(times):8.0f}  "
            f"{len(times):<3} {note}"
        )
    machine = f"{platform.python_implementation()} {platform.python_version()}, "
    machine += f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}"
    print(f"\n{machine}; database: {os.environ['DATABASE_URL'].split(':')[0]}")
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "machine": machine,
                    "steps": {
                        name: {"median_ms": statistics.median(t), "max_ms": max(t), "n": len(t)}
                        for name, t, _note in results
                    },
                },
                indent=2,
            )
        )


if __name__ == "__main__":
    main()
