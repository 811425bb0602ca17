"""Load test: gunicorn on 127.0.0.1 (loopback only) over a bench-data installation on
PostgreSQL, with 50 concurrent users reading and editing through the web and the API.

Bounded in time (--seconds) and requests (--max-requests); stops by itself. Afterwards it checks
that no update was lost: for every answer that was edited, the number of successful saves the
clients saw equals the increase of the answer's version and the number of answer.updated audit
events. Prints and writes latency percentiles per kind of request and the workers' memory.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nm_bench python benchmarks/loadtest.py
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import secrets
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "normmonitor.conf.test")
# One secret for this process and the server, so that the sessions made here are valid there
# (set before the settings are read, so that the production settings can be imported too).
os.environ["DJANGO_SECRET_KEY"] = SECRET_KEY = secrets.token_urlsafe(64)
sys.path.insert(0, str(ROOT / "src"))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from normmonitor.access.models import Membership, Role  # noqa: E402
from normmonitor.api.services import token_create  # noqa: E402
from normmonitor.assessments.models import Answer  # noqa: E402
from normmonitor.audit.models import AuditEvent  # noqa: E402
from normmonitor.organisations.models import Organisation  # noqa: E402
from normmonitor.rounds.models import MonitoringRound  # noqa: E402

HOST, PORT = "127.0.0.1", 8107
HOT_ITEMS = ("1.1", "1.2", "1.3")  # every editor of an organisation edits these: conflicts
ORGANISATIONS = ("GM0034", "GM0995", "GM0303", "GM0171", "GM0184", "GM0050", "GM0014", "GM0037")


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.status: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        self.errors: list[str] = []
        self.saves: dict[tuple[str, str, str], int] = defaultdict(int)  # (round, org, code)
        self.conflicts = 0
        self.requests = 0
        # Saves whose answer never came (a time-out): they may or may not have been committed.
        self.unknown: dict[tuple[str, str, str], int] = defaultdict(int)

    def record(self, kind: str, seconds: float, status: int) -> None:
        with self.lock:
            self.latency[kind].append(seconds * 1000)
            self.status[kind][status] += 1
            self.requests += 1


class User(threading.Thread):
    def __init__(
        self,
        number: int,
        kind: str,
        credentials: dict[str, str],
        plan: dict[str, Any],
        stats: Stats,
        deadline: float,
        budget: int,
    ) -> None:
        super().__init__(daemon=True)
        self.number, self.kind, self.credentials, self.plan = number, kind, credentials, plan
        self.stats, self.deadline, self.budget = stats, deadline, budget
        self.rng = random.Random(number)
        self.connection = http.client.HTTPConnection(HOST, PORT, timeout=60)

    def request(
        self,
        kind: str,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        # The API with the token only, the pages with the session only.
        drop = "Cookie" if kind.startswith("api") else "Authorization"
        credentials = {k: v for k, v in self.credentials.items() if k not in {drop, "_csrf"}}
        headers = {"Host": HOST, **credentials, **(headers or {})}
        start = time.perf_counter()
        for attempt in range(2):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
                break
            except (http.client.HTTPException, OSError):
                # A sync worker closes the connection after each response: reconnect once.
                self.connection.close()
                self.connection = http.client.HTTPConnection(HOST, PORT, timeout=60)
                if attempt:
                    raise
        elapsed = time.perf_counter() - start
        self.stats.record(kind, elapsed, response.status)
        if response.status >= 500:
            with self.stats.lock:
                self.stats.errors.append(f"{method} {path}: {response.status} {data[:200]!r}")
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data

    def run(self) -> None:
        done = 0
        try:
            while time.time() < self.deadline and done < self.budget:
                done += getattr(self, f"step_{self.kind}")()
                time.sleep(self.rng.uniform(0.05, 0.25))  # think time
        except Exception as error:
            with self.stats.lock:
                self.stats.errors.append(f"user {self.number} ({self.kind}): {error!r}")

    # -- editors on the web: open the fill-in page, save a hot item (form post, no htmx) -----

    def step_web(self) -> int:
        plan = self.plan
        status, _, page = self.request("web: fill-in page", "GET", plan["fill"])
        if status != 200:
            raise RuntimeError(f"fill-in page answered {status}")
        code = self.rng.choice(HOT_ITEMS)
        pk = plan["answers"][code]
        for _attempt in range(5):
            match = re.search(rf'name="a{pk}-version" value="(\d+)"', page.decode())
            version = match.group(1) if match else "0"
            form = {
                f"a{pk}-level": str(plan["level"]),
                f"a{pk}-explanation": f"Load test {self.number}",
                f"a{pk}-owner": f"user {self.number}",
                f"a{pk}-planned_date": "",
                f"a{pk}-version": version,
            }
            body = "&".join(f"{k}={v.replace(' ', '+')}" for k, v in form.items()).encode()
            key = (plan["round"], plan["organisation"], code)
            with self.stats.lock:
                self.stats.unknown[key] += 1
            status, _, page = self.request(
                "web: save item",
                "POST",
                plan["save"].format(pk=pk),
                body,
                {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "X-CSRFToken": self.credentials["_csrf"],
                },
            )
            with self.stats.lock:
                self.stats.unknown[key] -= 1
            if status == 302:
                with self.stats.lock:
                    self.stats.saves[key] += 1
                return 2
            if status == 409:  # someone saved first: the page shows their version; try again
                with self.stats.lock:
                    self.stats.conflicts += 1
                continue
            raise RuntimeError(f"save answered {status}")
        return 2

    # -- editors through the API: read the assessment, change a hot item with If-Match ---------

    def step_api(self) -> int:
        plan = self.plan
        status, _, _ = self.request("api: assessment", "GET", plan["api_assessment"])
        if status != 200:
            raise RuntimeError(f"assessment answered {status}")
        code = self.rng.choice(HOT_ITEMS)
        url = plan["api_answer"].format(code=code)
        for _attempt in range(5):
            status, headers, _ = self.request("api: answer", "GET", url)
            body = json.dumps({"owner": f"api user {self.number}", "explanation": "Load"}).encode()
            key = (plan["round"], plan["organisation"], code)
            with self.stats.lock:
                self.stats.unknown[key] += 1
            status, headers, _ = self.request(
                "api: update answer",
                "PATCH",
                url,
                body,
                {"Content-Type": "application/json", "If-Match": headers["etag"]},
            )
            with self.stats.lock:
                self.stats.unknown[key] -= 1
            if status == 200:
                with self.stats.lock:
                    self.stats.saves[key] += 1
                return 3
            if status == 412:
                with self.stats.lock:
                    self.stats.conflicts += 1
                continue
            raise RuntimeError(f"PATCH answered {status}")
        return 3

    # -- coordinators: the region's dashboard and the national list through the API ----------

    def step_reader(self) -> int:
        plan = self.plan
        self.request("web: region dashboard", "GET", plan["dashboard"])
        self.request("api: national assessments (385)", "GET", plan["api_list"])
        self.request("web: organisation page", "GET", plan["organisation"])
        return 3


def production_cookie_names() -> tuple[str, str]:
    """The server runs with the production settings, whose cookie names may differ
    (__Host-sessionid): read them from there."""
    import importlib

    production = importlib.import_module("normmonitor.conf.production")
    return (
        getattr(production, "SESSION_COOKIE_NAME", "sessionid"),
        getattr(production, "CSRF_COOKIE_NAME", "csrftoken"),
    )


def prepare(users: int) -> tuple[list[tuple[str, dict[str, str], dict[str, Any]]], dict]:
    """Load-test accounts (idempotent): editors of a few organisations in the open national
    round, half on the web (a session), half with an API token; and coordinators."""
    national = MonitoringRound.objects.get(region__key="nederland", state="open")
    region = MonitoringRound.objects.get(region__key="flevoland", state="open")
    User_ = get_user_model()
    password = make_password(None)
    level = national.norm_version.scale.get(code="behaald").pk
    readers = max(1, users // 5)
    editors = users - readers
    plans = []
    session_cookie, csrf_cookie = production_cookie_names()
    national_coordinator = User_.objects.get(username="bench-coordinator-nederland")
    organisations = {o.code: o for o in Organisation.objects.filter(code__in=ORGANISATIONS)}
    for number in range(users):
        username = f"load-{number:02d}"
        user, _ = User_.objects.get_or_create(username=username, defaults={"password": password})
        if number < editors:
            code = ORGANISATIONS[number % len(ORGANISATIONS)]
            Membership.objects.get_or_create(
                user=user, role=Role.EDITOR, organisation=organisations[code]
            )
            answers = dict(
                Answer.objects.filter(
                    assessment__round=national,
                    assessment__organisation__code=code,
                    requirement__code__in=HOT_ITEMS,
                ).values_list("requirement__code", "pk")
            )
            base = f"/rondes/{national.key}/{code}"
            plan = {
                "round": national.key,
                "organisation": code,
                "level": level,
                "answers": answers,
                "fill": f"{base}/invullen/",
                "save": base + "/items/{pk}/",
                "api_assessment": f"/api/v1/rounds/{national.key}/assessments/{code}",
                "api_answer": f"/api/v1/rounds/{national.key}/assessments/{code}/answers/{{code}}",
            }
            kind = "web" if number % 2 == 0 else "api"
        else:
            # A regional coordinator (Flevoland) on the pages; the national list through the API
            # with the national coordinator's token.
            Membership.objects.get_or_create(user=user, role=Role.COORDINATOR, region=region.region)
            Membership.objects.filter(user=user, region=national.region).delete()
            plan = {
                "dashboard": f"/rondes/{region.key}/",
                "api_list": f"/api/v1/rounds/{national.key}/assessments?pageSize=500",
                "organisation": "/organisaties/GM0034/",
            }
            kind = "reader"
        credentials: dict[str, str] = {}
        if kind in {"web", "reader"}:
            client = Client()
            client.force_login(user)
            csrf = secrets.token_hex(16)  # 32 characters: an unmasked CSRF secret
            credentials = {
                "Cookie": f"{session_cookie}={client.cookies[settings.SESSION_COOKIE_NAME].value}; "
                f"{csrf_cookie}={csrf}",
                "_csrf": csrf,
            }
        if kind in {"api", "reader"}:
            owner = national_coordinator if kind == "reader" else user
            raw = token_create(actor=None, user=owner, name="load test")[1]
            credentials["Authorization"] = f"Bearer {raw}"
        plans.append((kind, credentials, plan))
    versions = dict(
        Answer.objects.filter(
            assessment__round=national,
            assessment__organisation__code__in=ORGANISATIONS,
            requirement__code__in=HOT_ITEMS,
        ).values_list("pk", "version")
    )
    return plans, {"round": national, "versions": versions}


def start_gunicorn(workers: int, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "normmonitor.conf.production",
        "DJANGO_SECRET_KEY": SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "WARNING",
        # The coordinators here log in without a second factor (production asks for one).
        "NORMMONITOR_MFA_REQUIRED_ROLES": "",
        "PYTHONPATH": str(ROOT / "src"),
    }
    subprocess.run(
        [sys.executable, "-m", "normmonitor", "collectstatic", "--noinput", "-v", "0"],
        env=env,
        check=True,
    )
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "normmonitor.wsgi:application",
            "--config",
            str(ROOT / "deploy" / "gunicorn.conf.py"),
            "--bind",
            f"{HOST}:{PORT}",
            "--workers",
            str(workers),
        ],
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    for _ in range(100):
        try:
            connection = http.client.HTTPConnection(HOST, PORT, timeout=2)
            connection.request("GET", "/ready/", headers={"Host": HOST})
            if connection.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError(f"gunicorn did not start; see {log}")


def worker_memory(master: int) -> list[float]:
    """RSS in MB of the gunicorn workers (the master's children)."""
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return []
    sizes = []
    for pid in children:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    sizes.append(round(int(line.split()[1]) / 1024, 1))
        except OSError:
            continue
    return sizes


def percentiles(samples: list[float]) -> dict[str, float]:
    samples = sorted(samples)

    def at(p: float) -> float:
        return round(samples[min(len(samples) - 1, int(p * len(samples)))], 1)

    return {
        "count": len(samples),
        "p50": at(0.5),
        "p90": at(0.9),
        "p95": at(0.95),
        "p99": at(0.99),
        "max": round(samples[-1], 1),
        "mean": round(statistics.fmean(samples), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--max-requests", type=int, default=20000)
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument("--json")
    args = parser.parse_args()

    call_command("migrate", interactive=False, verbosity=0)
    settings.SECRET_KEY = SECRET_KEY
    plans, before = prepare(args.users)
    started_at = timezone.now()
    log = Path(os.environ.get("NORMMONITOR_DATA_DIR", "/tmp")) / "gunicorn-loadtest.log"
    server = start_gunicorn(args.workers, log)
    stats = Stats()
    try:
        deadline = time.time() + args.seconds
        budget = max(1, args.max_requests // args.users)
        threads = [
            User(n, kind, credentials, plan, stats, deadline, budget)
            for n, (kind, credentials, plan) in enumerate(plans)
        ]
        wall = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=args.seconds + 120)
        wall = time.perf_counter() - wall
        memory = worker_memory(server.pid)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    # No lost updates: versions and audit events match the saves the clients saw.
    monitoring_round = before["round"]
    answers = Answer.objects.filter(pk__in=before["versions"]).select_related(
        "assessment__organisation", "requirement"
    )
    lost = []
    checked = 0
    for answer in answers:
        key = (monitoring_round.key, answer.assessment.organisation.code, answer.requirement.code)
        saves = stats.saves.get(key, 0)
        increase = answer.version - before["versions"][answer.pk]
        events = AuditEvent.objects.filter(
            name="answer.updated",
            round=monitoring_round,
            organisation=answer.assessment.organisation,
            data__requirement=answer.requirement.code,
            at__gte=started_at,
        ).count()
        checked += 1
        unknown = stats.unknown.get(key, 0)
        # Every committed save raised the version by one and wrote one audit event; every save a
        # client was told about was committed; only a save that timed out may be either.
        if not (increase == events and saves <= increase <= saves + unknown):
            lost.append(
                {
                    "answer": key,
                    "saves": saves,
                    "unknown_outcome": unknown,
                    "version_increase": increase,
                    "audit_events": events,
                }
            )

    result = {
        "load_average_after": os.getloadavg(),
        "users": args.users,
        "workers": args.workers,
        "seconds": round(wall, 1),
        "requests": stats.requests,
        "throughput_rps": round(stats.requests / wall, 1),
        "errors": stats.errors[:20],
        "error_count": len(stats.errors),
        "conflicts_retried": stats.conflicts,
        "saves": sum(stats.saves.values()),
        "saves_with_unknown_outcome": sum(stats.unknown.values()),
        "answers_checked": checked,
        "lost_updates": lost,
        "latency_ms": {kind: percentiles(samples) for kind, samples in stats.latency.items()},
        "statuses": {kind: dict(codes) for kind, codes in stats.status.items()},
        "worker_rss_mb": memory,
    }
    print(json.dumps(result, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))
    if stats.errors or lost:
        sys.exit(1)


if __name__ == "__main__":
    main()
