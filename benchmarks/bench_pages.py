"""Server-side timings of the pages and API calls on a ``bench-data`` installation.

Usage (run.sh does this for SQLite and PostgreSQL):
    DATABASE_URL=... python benchmarks/bench_pages.py [--repeat 15] [--json results/x.json]

Each request goes through the whole Django stack in-process (middleware, views, templates,
database), without a network or a web server: that is the "server time" of docs/performance.md.
Prints a table (median, p95, max in ms, number of SQL queries) and the targets."""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import sys
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "normmonitor.conf.test")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402

from normmonitor.api.services import token_create  # noqa: E402
from normmonitor.assessments.models import Answer  # noqa: E402
from normmonitor.rounds import services as round_services  # noqa: E402
from normmonitor.rounds.models import MonitoringRound  # noqa: E402

NATIONAL, REGION, ORGANISATION = "nederland", "flevoland", "GM0034"

# Targets from issue #7 (milliseconds); None: recorded, no target.
PAGE_TARGET_NATIONAL, PAGE_TARGET_REGION = 150, 50


def user(username: str) -> Any:
    return get_user_model().objects.get(username=username)


def last_round(region_key: str) -> MonitoringRound:
    return (
        MonitoringRound.objects.filter(region__key=region_key, state="open")
        .select_related("region", "norm_version")
        .get()
    )


def timed(function, repeat: int, warmup: int = 2) -> dict[str, Any]:
    for _ in range(warmup):
        function()
    samples = []
    queries = 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            status = function()
            samples.append((time.perf_counter() - start) * 1000)
        queries = len(captured.captured_queries)
    samples.sort()
    return {
        "median_ms": round(statistics.median(samples), 1),
        "p95_ms": round(samples[min(len(samples) - 1, int(0.95 * len(samples)))], 1),
        "max_ms": round(samples[-1], 1),
        "queries": queries,
        "status": status,
    }


def get(client: Client, url: str, **headers: str):
    def call() -> int:
        response = client.get(url, **headers)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        return response.status_code

    return call


def save(client: Client, monitoring_round: MonitoringRound, code: str, requirement: str):
    """Saving one item the way the fill-in page does (htmx POST), each time a new version."""
    answer = Answer.objects.select_related("assessment__organisation").get(
        assessment__round=monitoring_round,
        assessment__organisation__code=code,
        requirement__code=requirement,
    )
    url = reverse("assessments:answer", args=[monitoring_round.key, code, answer.pk])
    levels = list(
        monitoring_round.norm_version.scale.filter(achieved=True).values_list("pk", flat=True)
    )
    prefix = f"a{answer.pk}"

    def call() -> int:
        version = Answer.objects.filter(pk=answer.pk).values_list("version", flat=True).get()
        response = client.post(
            url,
            {
                f"{prefix}-level": levels[0],
                f"{prefix}-explanation": "Benchmark",
                f"{prefix}-owner": "Bench",
                f"{prefix}-planned_date": "",
                f"{prefix}-version": version,
            },
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 200 and b"alert--error" not in response.content, response
        return response.status_code

    return call


def api_patch(client: Client, monitoring_round: MonitoringRound, code: str, requirement: str):
    url = f"/api/v1/rounds/{monitoring_round.key}/assessments/{code}/answers/{requirement}"

    def call() -> int:
        etag = client.get(url)["ETag"]
        response = client.patch(
            url, {"owner": "Bench API"}, content_type="application/json", HTTP_IF_MATCH=etag
        )
        assert response.status_code == 200, response.content
        return response.status_code

    return call


@contextmanager
def rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def round_open_timing(region_key: str, carry_over: bool, repeat: int = 3) -> dict[str, Any]:
    """Create and open a new round of the region (in a transaction that is rolled back, after
    the deferred constraint checks a commit would make)."""
    previous = last_round(region_key)
    samples, answers = [], 0
    for attempt in range(repeat):
        with rolled_back():
            draft = round_services.round_create(
                actor=None,
                key=f"bench-open-{attempt}",
                name="Benchmark",
                region=previous.region,
                norm_version=previous.norm_version,
                reference_date=date(2031, 1, 1),
                deadline=date(2031, 2, 1),
                previous=previous if carry_over else None,
            )
            start = time.perf_counter()
            answers = round_services.round_open(
                actor=None, monitoring_round=draft, carry_over=carry_over
            )
            if connection.vendor == "postgresql":
                # The foreign keys are checked at commit, which a rolled-back run never
                # reaches: check them now, so that the time is what opening really costs.
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            samples.append((time.perf_counter() - start) * 1000)
    return {
        "median_ms": round(statistics.median(samples), 1),
        "max_ms": round(max(samples), 1),
        "answers": answers,
        "organisations": previous.assessments.count(),
    }


def others(national: MonitoringRound, region: MonitoringRound, repeat: int) -> dict[str, Any]:
    """Pages and files of other apps, measured here when they exist: the audit trail (issue #3)
    and the reports (issue #4: region PDF, national XLSX export, importing a national round)."""
    found: dict[str, Any] = {}
    admin = Client()
    admin.force_login(user("bench-admin"))
    coordinator = Client()
    coordinator.force_login(user(f"bench-coordinator-{NATIONAL}"))
    cases = {
        "audit trail, first page (administrator, all events)": (admin, "audit:list", 150),
        "audit trail, first page (national coordinator)": (coordinator, "audit:list", 150),
    }
    for name, (client, url_name, target) in cases.items():
        try:
            url = reverse(url_name)
        except NoReverseMatch:  # the app is not there (yet)
            continue
        result = timed(get(client, url), max(3, repeat // 3))
        result["target_ms"] = target
        found[name] = result
        print(f"{name}: {result}")
    try:
        from normmonitor.reports.exports.files import round_export_file
        from normmonitor.reports.render import report_file
    except ImportError:
        return found
    files = {
        "region report PDF (region of 7)": (lambda: report_file(region, None, "pdf"), 2000),
        "round export XLSX (national, 385 organisations)": (
            lambda: round_export_file(national, "xlsx"),
            3000,
        ),
    }
    for name, (make, target) in files.items():
        samples = []
        for _ in range(3):
            start = time.perf_counter()
            produced = make()
            samples.append((time.perf_counter() - start) * 1000)
        found[name] = {
            "median_ms": round(statistics.median(samples), 1),
            "max_ms": round(max(samples), 1),
            "bytes": len(produced.content),
            "target_ms": target,
        }
        print(f"{name}: {found[name]}")

    # "Import ≤ 5 s", read as the counterpart of the national export: `normmonitor import-json`
    # of an installation export holding one national round (385 organisations, 35 040 answers),
    # into an empty installation. It must be empty, so each import runs in a separate process
    # on a fresh database (bench_reports.py --import-json; migrating is not timed).
    import subprocess
    import tempfile

    from normmonitor.reports.exports.installation import dumps, export_installation

    closed = (
        MonitoringRound.objects.filter(region=national.region, state="closed")
        .order_by("-reference_date")
        .first()
    )
    imports = {
        "import-json: a national round, open (385 organisations, 35 040 answers)": national,
        "import-json: a national round, closed (with the snapshot it gets)": closed,
    }
    script = Path(__file__).resolve().parent / "bench_reports.py"
    with tempfile.TemporaryDirectory(prefix="nm-bench-import-") as folder:
        for case, (name, monitoring_round) in enumerate(imports.items()):
            if monitoring_round is None:
                continue
            path = Path(folder) / f"export-{case}.json"
            path.write_bytes(dumps(export_installation(round_keys={monitoring_round.key})))
            runs = []
            for attempt in range(3):
                if connection.vendor == "postgresql":
                    database = f"{connection.settings_dict['NAME']}_import"
                    with connection.cursor() as cursor:
                        cursor.execute(f'DROP DATABASE IF EXISTS "{database}"')
                        cursor.execute(f'CREATE DATABASE "{database}"')
                    url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/" + database
                else:
                    url = f"sqlite:///{folder}/import-{case}-{attempt}.sqlite3"
                done = subprocess.run(
                    [sys.executable, str(script), "--import-json", str(path)],
                    env={**os.environ, "DATABASE_URL": url},
                    capture_output=True,
                    text=True,
                    check=False,
                )
                if done.returncode:
                    raise RuntimeError(f"{name}: the import failed:\n{done.stderr[-3000:]}")
                runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(f'DROP DATABASE IF EXISTS "{database}"')
            totals = [run["total_ms"] for run in runs]
            found[name] = {
                "median_ms": round(statistics.median(totals), 1),
                "max_ms": round(max(totals), 1),
                "cpu_ms": round(statistics.median(run["cpu_ms"] for run in runs), 1),
                "answers": runs[-1]["answers"],
                "bytes": path.stat().st_size,
                "target_ms": 5000,
            }
            print(f"{name}: {found[name]}")
    return found


def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "unknown"
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": memory,
        "python": platform.python_version(),
        "django": django.get_version(),
        "database": connection.vendor,
        "database_version": ".".join(map(str, connection.Database.sqlite_version_info))
        if connection.vendor == "sqlite"
        else str(connection.cursor().connection.info.server_version),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--json", help="Write the results to this file.")
    parser.add_argument(
        "--sections",
        default="pages,api,open,others",
        help="Comma-separated: pages, api, open, others (audit pages, reports of issue #4).",
    )
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = ["*"]

    national, region = last_round(NATIONAL), last_round(REGION)
    # Other processes on the machine skew timings: record the load while this ran.
    load_at_start = os.getloadavg()
    results: dict[str, Any] = {"machine": machine(), "pages": {}, "api": {}, "round_open": {}}
    counts = {
        "organisations": national.region.members.count(),
        "rounds": MonitoringRound.objects.count(),
        "answers": Answer.objects.count(),
    }
    results["data"] = counts
    print(f"# {results['machine']}\n# {counts}")

    coordinator_nl = Client()
    coordinator_nl.force_login(user(f"bench-coordinator-{NATIONAL}"))
    coordinator_fl = Client()
    coordinator_fl.force_login(user(f"bench-coordinator-{REGION}"))
    editor = Client()
    editor.force_login(user(f"bench-{ORGANISATION.lower()}"))

    sections = set(args.sections.split(","))
    pages = results["pages"]
    for scale, client, monitoring_round, target in (
        ("national", coordinator_nl, national, PAGE_TARGET_NATIONAL),
        ("region of 7", coordinator_fl, region, PAGE_TARGET_REGION),
    ):
        key = monitoring_round.key
        cases = {
            "dashboard (heatmap)": get(client, reverse("dashboard:round", args=[key])),
            "start page (coordinator)": get(client, reverse("dashboard:home")),
            "organisation page": get(client, reverse("organisations:detail", args=[ORGANISATION])),
            "assessment page": get(client, reverse("assessments:detail", args=[key, ORGANISATION])),
            "fill-in page": get(editor, reverse("assessments:fill", args=[key, ORGANISATION])),
            "start page (editor)": get(editor, reverse("dashboard:home")),
            "save one item": save(editor, monitoring_round, ORGANISATION, "1.1"),
            "region overview for members (heatmap)": get(
                client, reverse("rounds:heatmap", args=[key])
            ),
            "waterbed page": get(client, reverse("analysis:waterbed", args=[key])),
            "pace page": get(client, reverse("analysis:pace", args=[key])),
        }
        for name, call in cases.items():
            if "pages" not in sections:
                break
            result = timed(call, args.repeat)
            result["target_ms"] = target
            pages[f"{name} — {scale}"] = result
            print(f"{name} — {scale}: {result}")

    tokens = {
        "coordinator": token_create(
            actor=None, user=user(f"bench-coordinator-{NATIONAL}"), name="bench"
        )[1],
        "editor": token_create(actor=None, user=user(f"bench-{ORGANISATION.lower()}"), name="b")[1],
    }
    api_nl = Client(HTTP_AUTHORIZATION=f"Bearer {tokens['coordinator']}")
    api_editor = Client(HTTP_AUTHORIZATION=f"Bearer {tokens['editor']}")
    key = national.key
    api_cases = {
        "list a national round's assessments (385, one page)": (
            get(api_nl, f"/api/v1/rounds/{key}/assessments?pageSize=500"),
            300,
        ),
        "national round scores": (get(api_nl, f"/api/v1/rounds/{key}/scores"), None),
        "rounds (list)": (get(api_nl, "/api/v1/rounds?pageSize=100"), None),
        "organisations (list)": (get(api_nl, "/api/v1/organisations?pageSize=500"), None),
        "assessment with answers": (
            get(api_editor, f"/api/v1/rounds/{key}/assessments/{ORGANISATION}"),
            None,
        ),
        "compare two national rounds": (
            get(api_nl, f"/api/v1/comparisons?round={key}&baseRound={national.previous.key}"),
            None,
        ),
        "save one answer (GET + PATCH)": (
            api_patch(api_editor, national, ORGANISATION, "1.1"),
            None,
        ),
    }
    for name, (call, target) in api_cases.items():
        if "api" not in sections:
            break
        result = timed(call, args.repeat)
        result["target_ms"] = target
        results["api"][name] = result
        print(f"API {name}: {result}")

    for name, region_key, carry in (
        ()
        if "open" not in sections
        else (
            ("national, 385 organisations, synthetic norm, carrying over", NATIONAL, True),
            ("national, 385 organisations, synthetic norm, empty", NATIONAL, False),
            ("region of 7, Flevolandse Norm, carrying over", REGION, True),
        )
    ):
        result = round_open_timing(region_key, carry)
        result["target_ms"] = 1000 if region_key == NATIONAL else None
        results["round_open"][name] = result
        print(f"open a round — {name}: {result}")

    if "others" in sections:
        results["others"] = others(national, region, args.repeat)
    results["load_average"] = {"start": load_at_start, "end": os.getloadavg()}
    results["max_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(f"peak memory of this process: {results['max_rss_mb']} MB")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
