"""Markdown tables from benchmark results (results/sqlite.json, results/postgres.json,
results/loadtest.json), for docs/performance.md:  python benchmarks/report.py"""

from __future__ import annotations

import json
import sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def load(name: str) -> dict | None:
    path = RESULTS / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else None


def verdict(value: float, target: float | None) -> str:
    if target is None:
        return ""
    return "✓" if value <= target else "✗"


def timings(title: str, section: str, runs: dict[str, dict]) -> list[str]:
    names = list(dict.fromkeys(n for run in runs.values() for n in run.get(section, {})))
    header = " | ".join(f"{db} median / p95 (queries)" for db in runs)
    lines = [f"### {title}", "", f"| | target | {header} |", "| --- | --- |" + " --- |" * len(runs)]
    for name in names:
        cells = []
        target = None
        for run in runs.values():
            r = run.get(section, {}).get(name)
            if r is None:
                cells.append("—")
                continue
            target = r.get("target_ms")
            queries = f" ({r['queries']})" if "queries" in r else ""
            p95 = r.get("p95_ms", r.get("max_ms"))
            cells.append(
                f"{r['median_ms']:.0f} / {p95:.0f} ms{queries} {verdict(r['median_ms'], target)}"
            )
        shown = f"≤ {target} ms" if target else ""
        lines.append(f"| {name} | {shown} | " + " | ".join(cells) + " |")
    return [*lines, ""]


def main() -> None:
    runs = {name: data for name in ("sqlite", "postgres") if (data := load(name))}
    out: list[str] = []
    if runs:
        first = next(iter(runs.values()))
        out += [f"Machine: {first['machine']}", f"Data: {first['data']}", ""]
        for name, run in runs.items():
            out.append(
                f"- {name}: load average {run.get('load_average')}, "
                f"peak RSS of the benchmark process {run.get('max_rss_mb')} MB"
            )
        out.append("")
        out += timings("Pages (server time)", "pages", runs)
        out += timings("API", "api", runs)
        out += timings("Opening a round", "round_open", runs)
        if any(run.get("others") for run in runs.values()):
            out += timings("Other apps (audit trail, reports)", "others", runs)
    load_test = load("loadtest")
    if load_test:
        out += [
            "### Load test",
            "",
            f"{load_test['users']} users, {load_test['workers']} gunicorn workers, "
            f"{load_test['seconds']} s, {load_test['requests']} requests "
            f"({load_test['throughput_rps']} per second), errors: {load_test['error_count']}, "
            f"saves: {load_test['saves']}, conflicts retried: {load_test['conflicts_retried']}, "
            f"lost updates: {len(load_test['lost_updates'])} of {load_test['answers_checked']} "
            f"answers checked; worker RSS {load_test['worker_rss_mb']} MB; load average after "
            f"{[round(x, 1) for x in load_test.get('load_average_after', [])]}.",
            "",
            "| request | count | p50 | p90 | p95 | p99 | max (ms) |",
            "| --- | --- | --- | --- | --- | --- | --- |",
        ]
        for kind, p in load_test["latency_ms"].items():
            out.append(
                f"| {kind} | {p['count']} | {p['p50']:.0f} | {p['p90']:.0f} | {p['p95']:.0f} | "
                f"{p['p99']:.0f} | {p['max']:.0f} |"
            )
        out.append("")
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
