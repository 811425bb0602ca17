"""Precision and recall of the rules over a labelled corpus (tests/documentscan/corpus).

A corpus is a folder with documents and a ``labels.yaml``: per file its kind and, per
requirement, the expected verdict and article(s); unlisted requirements are expected absent.

For each (document, requirement) pair a finding is *correct* when its verdict equals the label
and, unless absent, its article is one of the labelled ones. A finding is *positive* when its
verdict is not absent. Precision = correct positives / positive findings; recall = correct
positives / labelled positives. Used by the tests and by benchmarks/bench_documentscan.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .document import number_key
from .engine import Finding, scan
from .readers import read_document
from .rules import Rule


@dataclass(frozen=True)
class Case:
    document: str
    requirement: str
    expected: str
    expected_articles: tuple[str, ...]
    finding: Finding

    @property
    def correct(self) -> bool:
        if self.finding.verdict != self.expected:
            return False
        if self.expected == "absent":
            return True
        keys = {number_key(article) for article in self.expected_articles}
        return number_key(self.finding.article) in keys


@dataclass
class Score:
    cases: int = 0
    correct: int = 0
    labelled_positive: int = 0
    found_positive: int = 0
    true_positive: int = 0

    def add(self, case: Case) -> None:
        self.cases += 1
        self.correct += case.correct
        self.labelled_positive += case.expected != "absent"
        self.found_positive += case.finding.verdict != "absent"
        self.true_positive += case.correct and case.expected != "absent"

    @property
    def precision(self) -> float | None:
        return self.true_positive / self.found_positive if self.found_positive else None

    @property
    def recall(self) -> float | None:
        return self.true_positive / self.labelled_positive if self.labelled_positive else None

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.cases if self.cases else None


@dataclass
class Report:
    cases: list[Case] = field(default_factory=list)
    by_requirement: dict[str, Score] = field(default_factory=dict)
    total: Score = field(default_factory=Score)

    @property
    def mistakes(self) -> list[Case]:
        return [case for case in self.cases if not case.correct]


def load_labels(folder: Path) -> dict:
    return yaml.safe_load((folder / "labels.yaml").read_text(encoding="utf-8")) or {}


def evaluate(folder: Path, rules: Sequence[Rule]) -> Report:
    report = Report()
    for rule in rules:
        report.by_requirement.setdefault(rule.requirement, Score())
    for name, label in load_labels(folder).items():
        document = read_document((folder / name).read_bytes())
        expected = label.get("expect") or {}
        for finding in scan(document, rules, kind=label["kind"]):
            wanted = expected.get(finding.requirement, {"verdict": "absent"})
            articles = wanted.get("article", ())
            case = Case(
                document=name,
                requirement=finding.requirement,
                expected=wanted["verdict"],
                expected_articles=(articles,) if isinstance(articles, str) else tuple(articles),
                finding=finding,
            )
            report.cases.append(case)
            report.by_requirement[finding.requirement].add(case)
            report.total.add(case)
    return report


def as_markdown(report: Report, rules: Sequence[Rule]) -> str:
    """The table in docs/document-scan.md."""

    def percent(value: float | None) -> str:
        return "–" if value is None else f"{100 * value:.0f}%"

    lines = [
        "| requirement | topic | documents | labelled present/partial/risk | found | correct found "
        "| precision | recall | verdicts right |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for rule in rules:
        score = report.by_requirement.get(rule.requirement)
        if not score or not score.cases:
            continue
        lines.append(
            f"| {rule.label} | {rule.topic} | {score.cases} | {score.labelled_positive} "
            f"| {score.found_positive} | {score.true_positive} | {percent(score.precision)} "
            f"| {percent(score.recall)} | {score.correct}/{score.cases} |"
        )
    total = report.total
    lines.append(
        f"| **all** | | {total.cases} | {total.labelled_positive} | {total.found_positive} "
        f"| {total.true_positive} | {percent(total.precision)} | {percent(total.recall)} "
        f"| {total.correct}/{total.cases} |"
    )
    return "\n".join(lines)
