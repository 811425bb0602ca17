"""Detection rules as data: the ``detection.scan`` mapping of a requirement in a norm file.

The format is documented in docs/document-scan.md. In short::

    detection:
      scan:
        kinds: [apv]                   # which documents the rule reads: apv, bibob, damocles
        topic: Exploitatievergunning horeca
        find:                          # the provision itself; the first clause that matches wins
          - sentence: ['zonder .{0,30}vergunning', 'horeca', 'exploit']   # all in one sentence
            not: ['evenement']         # ... and none of these
          - title: ['speelautomatenhal']
            sentence: ['vergunning']
            verdict: partial           # found | present | partial | risk
            why: "..."
            confidence: 0.7
        complete:                      # what turns "found" into present; without it: partial
          sentence: ['slecht levensgedrag']
          within: regime               # article | regime | document
          missing: "..."               # why it is partial
        found: "..."                   # why it is present
        absent: "..."                  # what nothing found means
        propose: {risk: none}          # the rating proposed per verdict

Patterns are Python regular expressions, matched without regard to case. ``validate`` returns
problems as (path, message) so the norm parser can report them with line numbers; ``compile_rule``
turns a valid mapping into a ``Rule``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

KINDS = ("apv", "bibob", "damocles")
CLAUSE_VERDICTS = ("found", "present", "partial", "risk")
VERDICTS = ("present", "partial", "absent", "risk")
SCOPES = ("article", "regime", "document")
# What a verdict proposes as rating, in terms any norm's scale has (docs/document-scan.md).
PROPOSALS = ("achieved", "partial", "not_achieved", "not_applicable", "none")
DEFAULT_PROPOSE = {
    "present": "achieved",
    "partial": "partial",
    "absent": "not_achieved",
    "risk": "none",
}
# Articles that define words or close the regulation never implement a requirement.
DEFAULT_SKIP_TITLES = (
    r"begripsbepaling|begrippen|definitie|woordenlijst|citeertitel|inwerkingtreding"
    r"|^intrekking\b(?!.*vergunning)|overgangs|slotbepaling|strafbepaling|toezichthouder",
)

_MAX_PATTERNS, _MAX_PATTERN, _MAX_CLAUSES, _MAX_TEXT = 12, 400, 20, 2000


@dataclass(frozen=True)
class Clause:
    sentence: tuple[re.Pattern[str], ...] = ()
    title: tuple[re.Pattern[str], ...] = ()
    exclude: tuple[re.Pattern[str], ...] = ()
    verdict: str = "found"
    why: str = ""
    confidence: float = 0.9


@dataclass(frozen=True)
class Complete:
    sentence: tuple[re.Pattern[str], ...]
    within: str = "regime"
    missing: str = ""
    confidence: float = 0.9


@dataclass(frozen=True)
class Rule:
    requirement: str  # the requirement's code: "3.2.2.A"
    label: str  # how the code is shown: "3.2.2 A"
    text: str  # the requirement's text
    kinds: tuple[str, ...]
    topic: str
    find: tuple[Clause, ...]
    complete: Complete | None = None
    found: str = ""
    absent: str = ""
    skip_titles: tuple[re.Pattern[str], ...] = ()
    propose: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_PROPOSE))
    applies_to: tuple[str, ...] = ()  # the requirement's organisation types (empty: any)


class RuleError(ValueError):
    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{path}: {message}" for path, message in problems))


# --------------------------------------------------------------------------------------------
# Validation


def validate(scan: Any, path: str = "scan") -> list[tuple[str, str]]:
    """Problems with a ``detection.scan`` mapping, as (path, message); empty when valid."""
    problems: list[tuple[str, str]] = []

    def problem(where: str, message: str) -> None:
        problems.append((where, message))

    if not isinstance(scan, dict):
        return [(path, "must be a mapping")]
    allowed = {"kinds", "topic", "find", "complete", "found", "absent", "skip_titles", "propose"}
    for key in scan:
        if key not in allowed:
            problem(f"{path}.{key}", "unknown field")
    for key in ("kinds", "topic", "find"):
        if key not in scan:
            problem(f"{path}.{key}", "required field is missing")

    kinds = scan.get("kinds", [])
    if not isinstance(kinds, list) or not kinds:
        if "kinds" in scan:
            problem(f"{path}.kinds", "must be a non-empty list")
    else:
        for index, kind in enumerate(kinds):
            if kind not in KINDS:
                problem(f"{path}.kinds[{index}]", f"must be one of {', '.join(KINDS)}")
    _text(scan, "topic", path, problem, required=True, max_length=80)
    for key in ("found", "absent"):
        _text(scan, key, path, problem)

    find = scan.get("find", [])
    if not isinstance(find, list) or not find:
        if "find" in scan:
            problem(f"{path}.find", "must be a non-empty list of clauses")
    elif len(find) > _MAX_CLAUSES:
        problem(f"{path}.find", f"has more than {_MAX_CLAUSES} clauses")
    else:
        for index, clause in enumerate(find):
            _clause(clause, f"{path}.find[{index}]", problem)

    if "complete" in scan:
        complete = scan["complete"]
        where = f"{path}.complete"
        if not isinstance(complete, dict):
            problem(where, "must be a mapping")
        else:
            for key in complete:
                if key not in {"sentence", "within", "missing", "confidence"}:
                    problem(f"{where}.{key}", "unknown field")
            if "sentence" not in complete:
                problem(f"{where}.sentence", "required field is missing")
            _patterns(complete.get("sentence", []), f"{where}.sentence", problem)
            if complete.get("within", "regime") not in SCOPES:
                problem(f"{where}.within", f"must be one of {', '.join(SCOPES)}")
            _text(complete, "missing", where, problem)
            _confidence(complete, where, problem)

    if "skip_titles" in scan:
        _patterns(scan["skip_titles"], f"{path}.skip_titles", problem, allow_empty=True)
    if "propose" in scan:
        propose = scan["propose"]
        if not isinstance(propose, dict):
            problem(f"{path}.propose", "must be a mapping")
        else:
            for verdict, choice in propose.items():
                if verdict not in VERDICTS:
                    problem(f"{path}.propose.{verdict}", f"must be one of {', '.join(VERDICTS)}")
                elif choice not in PROPOSALS:
                    problem(f"{path}.propose.{verdict}", f"must be one of {', '.join(PROPOSALS)}")
    return problems


def _clause(clause: Any, where: str, problem) -> None:
    if not isinstance(clause, dict):
        problem(where, "must be a mapping")
        return
    for key in clause:
        if key not in {"sentence", "title", "not", "verdict", "why", "confidence"}:
            problem(f"{where}.{key}", "unknown field")
    if not clause.get("sentence") and not clause.get("title"):
        problem(where, "needs 'sentence' or 'title' patterns")
    for key in ("sentence", "title", "not"):
        if key in clause:
            _patterns(clause[key], f"{where}.{key}", problem)
    if clause.get("verdict", "found") not in CLAUSE_VERDICTS:
        problem(f"{where}.verdict", f"must be one of {', '.join(CLAUSE_VERDICTS)}")
    _text(clause, "why", where, problem)
    _confidence(clause, where, problem)


def _patterns(value: Any, where: str, problem, *, allow_empty: bool = False) -> None:
    if not isinstance(value, list) or (not value and not allow_empty):
        problem(where, "must be a non-empty list of patterns")
        return
    if len(value) > _MAX_PATTERNS:
        problem(where, f"has more than {_MAX_PATTERNS} patterns")
    for index, pattern in enumerate(value):
        if not isinstance(pattern, str) or not pattern:
            problem(f"{where}[{index}]", "must be a non-empty string")
        elif len(pattern) > _MAX_PATTERN:
            problem(f"{where}[{index}]", f"is longer than {_MAX_PATTERN} characters")
        else:
            try:
                re.compile(pattern)
            except re.error as error:
                problem(f"{where}[{index}]", f"is not a valid regular expression: {error}")


def _text(mapping: dict, key: str, where: str, problem, *, required=False, max_length=_MAX_TEXT):
    if key not in mapping:
        return
    value = mapping[key]
    if not isinstance(value, str) or (required and not value.strip()):
        problem(f"{where}.{key}", "must be a non-empty string" if required else "must be a string")
    elif len(value) > max_length:
        problem(f"{where}.{key}", f"is longer than {max_length} characters")


def _confidence(mapping: dict, where: str, problem) -> None:
    if "confidence" not in mapping:
        return
    value = mapping["confidence"]
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 1:
        problem(f"{where}.confidence", "must be a number above 0 and at most 1")


# --------------------------------------------------------------------------------------------
# Compilation


def _compile(patterns: Iterable[str]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(pattern, re.IGNORECASE) for pattern in patterns)


def compile_rule(
    requirement: str,
    scan: dict,
    *,
    label: str = "",
    text: str = "",
    applies_to: Iterable[str] = (),
) -> Rule:
    problems = validate(scan)
    if problems:
        raise RuleError([(f"{requirement}: {path}", message) for path, message in problems])
    complete = None
    if "complete" in scan:
        raw = scan["complete"]
        complete = Complete(
            sentence=_compile(raw["sentence"]),
            within=raw.get("within", "regime"),
            missing=raw.get("missing", ""),
            confidence=float(raw.get("confidence", 0.9)),
        )
    return Rule(
        requirement=requirement,
        label=label or requirement,
        text=text,
        kinds=tuple(scan["kinds"]),
        topic=scan["topic"],
        find=tuple(
            Clause(
                sentence=_compile(clause.get("sentence", [])),
                title=_compile(clause.get("title", [])),
                exclude=_compile(clause.get("not", [])),
                verdict=clause.get("verdict", "found"),
                why=clause.get("why", ""),
                confidence=float(clause.get("confidence", 0.9)),
            )
            for clause in scan["find"]
        ),
        complete=complete,
        found=scan.get("found", ""),
        absent=scan.get("absent", ""),
        skip_titles=_compile(scan.get("skip_titles", DEFAULT_SKIP_TITLES)),
        propose={**DEFAULT_PROPOSE, **scan.get("propose", {})},
        applies_to=tuple(applies_to),
    )


def rules_from_norm(norm: Mapping[str, Any]) -> list[Rule]:
    """The rules of a norm in its JSON form (``NormDocument.to_dict()`` or
    ``NormVersion.document``), in the norm's order."""
    rules: list[Rule] = []

    def visit(requirement: Mapping[str, Any]) -> None:
        scan = (requirement.get("detection") or {}).get("scan")
        if scan is not None:
            rules.append(
                compile_rule(
                    requirement["code"],
                    scan,
                    label=requirement.get("label", ""),
                    text=requirement.get("text", ""),
                    applies_to=requirement.get("applies_to", ()),
                )
            )
        for child in requirement.get("children", ()):
            visit(child)

    for theme in norm.get("themes", ()):
        for requirement in theme.get("requirements", ()):
            visit(requirement)
    return rules
