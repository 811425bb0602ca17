"""Resilience scan questionnaires (weerbaarheidsscan) as data, and the recommendations report
they produce. Pure Python, no Django; the file format is in docs/analysis.md.

A questionnaire has sections of questions, one answer scale with a score per level, and per
question the norm items (ambitions) it concerns, a priority, a recommendation and the actions
it proposes. An answer scoring below ``weak_below`` is **weak**; the report lists the weak
answers with their recommendation and proposed actions, most severe first, and derives an
indicative **baseline** (nulmeting) per ambition: weak where a linked question is weak.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from normmonitor.norms.yamlfile import (
    MISSING,
    NormFileError,
    Problem,
    Validator,
    join,
    load_yaml,
)
from normmonitor.organisations.types import ORGANISATION_TYPES

SCAN_FORMAT = "normmonitor/scan@1"
PRIORITIES = ("high", "medium", "low")
WEERBAARHEIDSSCAN_PATH = Path(__file__).resolve().parent / "data" / "weerbaarheidsscan.yaml"

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")

Severity = Literal["high", "medium", "low"]


class QuestionnaireError(NormFileError):
    """A questionnaire file with problems (each with its location and line)."""


@dataclass(frozen=True)
class AnswerLevel:
    code: str
    label: str
    score: int | None  # None for the not-applicable level
    not_applicable: bool = False


@dataclass(frozen=True)
class Question:
    code: str
    section: str
    text: str
    ambitions: tuple[str, ...]
    applies_to: tuple[str, ...]
    priority: str
    recommendation: str
    actions: tuple[str, ...]
    guidance: str = ""


@dataclass(frozen=True)
class Section:
    code: str
    title: str
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Questionnaire:
    key: str
    name: str
    version: str
    norm: str
    norm_version: str
    answers: tuple[AnswerLevel, ...]
    weak_below: int
    sections: tuple[Section, ...]
    source: str = ""
    description: str = ""

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for section in self.sections for q in section.questions)

    def question(self, code: str) -> Question:
        for question in self.questions:
            if question.code == code:
                return question
        raise KeyError(code)

    def level(self, code: str) -> AnswerLevel:
        for level in self.answers:
            if level.code == code:
                return level
        raise KeyError(code)

    def questions_for(self, organisation_type: str) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if organisation_type in q.applies_to)

    @property
    def max_score(self) -> int:
        return max(level.score for level in self.answers if level.score is not None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": SCAN_FORMAT,
            "key": self.key,
            "name": self.name,
            "version": self.version,
            "norm": self.norm,
            "norm_version": self.norm_version,
            "source": self.source,
            "description": self.description,
            "weak_below": self.weak_below,
            "answers": [
                {
                    "code": a.code,
                    "label": a.label,
                    "score": a.score,
                    "not_applicable": a.not_applicable,
                }
                for a in self.answers
            ],
            "sections": [
                {
                    "code": s.code,
                    "title": s.title,
                    "questions": [
                        {
                            "code": q.code,
                            "text": q.text,
                            "guidance": q.guidance,
                            "ambitions": list(q.ambitions),
                            "applies_to": list(q.applies_to),
                            "priority": q.priority,
                            "recommendation": q.recommendation,
                            "actions": list(q.actions),
                        }
                        for q in s.questions
                    ],
                }
                for s in self.sections
            ],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Questionnaire:
        return cls(
            key=data["key"],
            name=data["name"],
            version=data["version"],
            norm=data["norm"],
            norm_version=data["norm_version"],
            source=data.get("source", ""),
            description=data.get("description", ""),
            weak_below=data["weak_below"],
            answers=tuple(
                AnswerLevel(a["code"], a["label"], a["score"], a["not_applicable"])
                for a in data["answers"]
            ),
            sections=tuple(
                Section(
                    s["code"],
                    s["title"],
                    tuple(
                        Question(
                            code=q["code"],
                            section=s["code"],
                            text=q["text"],
                            guidance=q.get("guidance", ""),
                            ambitions=tuple(q["ambitions"]),
                            applies_to=tuple(q["applies_to"]),
                            priority=q["priority"],
                            recommendation=q["recommendation"],
                            actions=tuple(q["actions"]),
                        )
                        for q in s["questions"]
                    ),
                )
                for s in data["sections"]
            ),
        )

    @property
    def content_hash(self) -> str:
        canonical = json.dumps(
            self.to_dict(), sort_keys=True, ensure_ascii=False, separators=(",", ":")
        )
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------------------------
# Parsing


def parse_questionnaire(text: str, *, filename: str = "<string>") -> Questionnaire:
    problems: list[Problem] = []
    data, lines = load_yaml(text, problems)
    if not lines and problems:
        raise QuestionnaireError(problems, filename)
    checker = Validator(lines, problems)
    questionnaire = _questionnaire(checker, data)
    if questionnaire is None or problems:
        problems.sort(key=lambda problem: problem.line or 0)
        raise QuestionnaireError(problems, filename)
    return questionnaire


def read_questionnaire_file(path: str | Path) -> Questionnaire:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise QuestionnaireError([Problem("", f"cannot read the file: {exc}")], str(path)) from exc
    return parse_questionnaire(text, filename=str(path))


def _questionnaire(checker: Validator, data: Any) -> Questionnaire | None:
    if data is None:
        checker.problem("", "the file is empty")
        return None
    required = {"format", "key", "name", "version", "norm", "norm_version", "answers"}
    required |= {"weak_below", "sections"}
    if not checker.mapping(data, "", required, {"source", "description"}):
        return None
    fmt = data.get("format", MISSING)
    if fmt is not MISSING and fmt != SCAN_FORMAT:
        checker.problem("format", f"must be '{SCAN_FORMAT}', not {fmt!r}")
    key = checker.string(data, "key", "", max_length=80, pattern=_SLUG, pattern_help="a slug")
    name = checker.string(data, "name", "", max_length=200)
    version = checker.string(data, "version", "", max_length=40)
    norm = checker.string(data, "norm", "", max_length=80, pattern=_SLUG, pattern_help="a slug")
    norm_version = checker.string(data, "norm_version", "", max_length=40)
    source = checker.string(data, "source", "", default="", allow_empty=True)
    description = checker.string(data, "description", "", default="", allow_empty=True)
    answers = _answers(checker, checker.sequence(data, "answers", ""))
    weak_below = data.get("weak_below")
    if not isinstance(weak_below, int) or isinstance(weak_below, bool):
        checker.problem("weak_below", "must be a whole number (answers scoring below are weak)")
        weak_below = 0
    scores = [a.score for a in answers if a.score is not None]
    if scores and not any(score < weak_below for score in scores):
        checker.problem("weak_below", "no answer scores below it: nothing could be weak")
    if scores and not any(score >= weak_below for score in scores):
        checker.problem("weak_below", "every answer scores below it: nothing could be strong")
    sections = []
    seen_sections: set[str] = set()
    seen_questions: dict[str, str] = {}
    for index, item in enumerate(checker.sequence(data, "sections", "")):
        path = f"sections[{index}]"
        if not checker.mapping(item, path, {"code", "title", "questions"}, set()):
            continue
        code = checker.string(
            item, "code", path, max_length=20, pattern=_CODE, pattern_help="a code"
        )
        if code in seen_sections:
            checker.problem(join(path, "code"), f"duplicate section code '{code}'")
        seen_sections.add(code)
        title = checker.string(item, "title", path, max_length=300)
        questions = [
            _question(checker, q, f"{path}.questions[{i}]", code, seen_questions)
            for i, q in enumerate(checker.sequence(item, "questions", path))
        ]
        sections.append(Section(code, title, tuple(q for q in questions if q is not None)))
    if checker.problems:
        return None
    return Questionnaire(
        key=key,
        name=name,
        version=version,
        norm=norm,
        norm_version=norm_version,
        answers=tuple(answers),
        weak_below=weak_below,
        sections=tuple(sections),
        source=source,
        description=description,
    )


def _answers(checker: Validator, items: list) -> list[AnswerLevel]:
    levels: list[AnswerLevel] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        path = f"answers[{index}]"
        if not checker.mapping(item, path, {"code", "label"}, {"score", "not_applicable"}):
            continue
        code = checker.string(
            item, "code", path, max_length=40, pattern=_CODE, pattern_help="a code"
        )
        if code in seen:
            checker.problem(join(path, "code"), f"duplicate answer code '{code}'")
        seen.add(code)
        label = checker.string(item, "label", path, max_length=200)
        not_applicable = checker.boolean(item, "not_applicable", path)
        score = item.get("score")
        if not_applicable:
            if score is not None:
                checker.problem(join(path, "score"), "a not-applicable answer has no score")
            score = None
        elif not isinstance(score, int) or isinstance(score, bool) or score < 0:
            checker.problem(join(path, "score"), "must be a whole number of 0 or more")
            score = 0
        levels.append(AnswerLevel(code, label, score, not_applicable))
    if sum(level.not_applicable for level in levels) > 1:
        checker.problem("answers", "only one answer can be not applicable")
    return levels


def _question(
    checker: Validator, item: Any, path: str, section: str, seen: dict[str, str]
) -> Question | None:
    required = {"code", "text", "ambitions", "recommendation", "actions"}
    if not checker.mapping(item, path, required, {"applies_to", "priority", "guidance"}):
        return None
    code = checker.string(item, "code", path, max_length=40, pattern=_CODE, pattern_help="a code")
    if code in seen:
        checker.problem(join(path, "code"), f"duplicate question code '{code}' (see {seen[code]})")
    seen.setdefault(code, path)
    text = checker.string(item, "text", path)
    ambitions = _strings(checker, item, "ambitions", path, pattern=_CODE)
    applies_to = _strings(checker, item, "applies_to", path, default=list(ORGANISATION_TYPES))
    for index, kind in enumerate(applies_to):
        if kind not in ORGANISATION_TYPES:
            checker.problem(f"{join(path, 'applies_to')}[{index}]", f"unknown type '{kind}'")
    priority = item.get("priority", "medium")
    if priority not in PRIORITIES:
        checker.problem(join(path, "priority"), f"must be one of {', '.join(PRIORITIES)}")
        priority = "medium"
    recommendation = checker.string(item, "recommendation", path)
    actions = _strings(checker, item, "actions", path, allow_empty_list=True)
    guidance = checker.string(item, "guidance", path, default="", allow_empty=True)
    return Question(
        code=code,
        section=section,
        text=text,
        guidance=guidance,
        ambitions=tuple(ambitions),
        applies_to=tuple(applies_to),
        priority=priority,
        recommendation=recommendation,
        actions=tuple(actions),
    )


def _strings(
    checker: Validator,
    item: Any,
    key: str,
    path: str,
    *,
    default: list[str] | None = None,
    pattern: re.Pattern | None = None,
    allow_empty_list: bool = False,
) -> list[str]:
    value = item.get(key, MISSING)
    where = join(path, key)
    if value is MISSING:
        return list(default or [])
    if not isinstance(value, list) or (not value and not allow_empty_list):
        checker.problem(where, "must be a non-empty list of strings")
        return []
    result = []
    for index, entry in enumerate(value):
        if not isinstance(entry, str) or not entry.strip():
            hint = f' (write it in quotes: "{entry}")' if isinstance(entry, int | float) else ""
            checker.problem(f"{where}[{index}]", f"must be a non-empty string{hint}")
        elif pattern is not None and not pattern.match(entry.strip()):
            checker.problem(f"{where}[{index}]", f"'{entry}' is not an item code")
        else:
            result.append(entry.strip())
    return result


# --------------------------------------------------------------------------------------------
# The recommendations report


@dataclass(frozen=True)
class Recommendation:
    question: Question
    answer: AnswerLevel | None  # None: not answered (counts as weak: nothing is known)
    note: str
    severity: Severity
    ambitions: tuple[str, ...]  # those that apply to the organisation's type

    @property
    def actions(self) -> tuple[str, ...]:
        return self.question.actions


@dataclass(frozen=True)
class BaselineItem:
    ambition: str
    status: Literal["weak", "in_place", "unknown"]
    questions: tuple[str, ...]


@dataclass(frozen=True)
class Report:
    recommendations: tuple[Recommendation, ...]
    baseline: tuple[BaselineItem, ...]
    answered: int
    questions: int
    by_section: dict[str, tuple[int, int]]  # section code → (score, max score) of the answered

    @property
    def complete(self) -> bool:
        return self.answered == self.questions


_SEVERITY = {"high": 0, "medium": 1, "low": 2}


def severity(question: Question, answer: AnswerLevel | None, max_score: int) -> Severity:
    """The question's priority, one step lower when the answer is partly there (a score above
    0): a high-priority question answered "nee" is high, answered "deels" medium."""
    step = _SEVERITY[question.priority]
    if answer is not None and answer.score and answer.score > 0 and max_score > 0:
        step = min(step + 1, 2)
    return ("high", "medium", "low")[step]


def report(
    questionnaire: Questionnaire,
    answers: Mapping[str, tuple[str | None, str]],
    organisation_type: str,
    ambitions_of_type: set[str] | None = None,
) -> Report:
    """The recommendations report of one organisation's answers (question code → (answer code
    or None, note)). ``ambitions_of_type``: the norm items that apply to the organisation's
    type, to leave out linked items that do not concern it (None: keep all)."""
    questions = questionnaire.questions_for(organisation_type)
    levels = {level.code: level for level in questionnaire.answers}
    recommendations: list[Recommendation] = []
    weak_of: dict[str, list[str]] = {}
    strong_of: dict[str, list[str]] = {}
    unknown_of: dict[str, list[str]] = {}
    answered = 0
    by_section: dict[str, tuple[int, int]] = {}
    for question in questions:
        code, note = answers.get(question.code, (None, ""))
        level = levels.get(code) if code else None
        linked = tuple(
            a for a in question.ambitions if ambitions_of_type is None or a in ambitions_of_type
        )
        if level is not None:
            answered += 1
        if level is not None and level.not_applicable:
            continue
        if level is not None:
            score, top = by_section.get(question.section, (0, 0))
            by_section[question.section] = (
                score + (level.score or 0),
                top + questionnaire.max_score,
            )
        weak = level is None or (level.score or 0) < questionnaire.weak_below
        target = weak_of if weak and level is not None else strong_of if not weak else unknown_of
        for ambition in linked:
            target.setdefault(ambition, []).append(question.code)
        if weak:
            recommendations.append(
                Recommendation(
                    question=question,
                    answer=level,
                    note=note,
                    severity=severity(question, level, questionnaire.max_score),
                    ambitions=linked,
                )
            )
    order = {q.code: i for i, q in enumerate(questions)}
    recommendations.sort(
        key=lambda r: (r.answer is None, _SEVERITY[r.severity], order[r.question.code])
    )
    baseline = []
    for ambition in sorted(set(weak_of) | set(strong_of) | set(unknown_of), key=_natural):
        if ambition in weak_of:
            baseline.append(BaselineItem(ambition, "weak", tuple(weak_of[ambition])))
        elif ambition in unknown_of:
            baseline.append(BaselineItem(ambition, "unknown", tuple(unknown_of[ambition])))
        else:
            baseline.append(BaselineItem(ambition, "in_place", tuple(strong_of[ambition])))
    return Report(
        recommendations=tuple(recommendations),
        baseline=tuple(baseline),
        answered=answered,
        questions=len(questions),
        by_section=by_section,
    )


def _natural(code: str) -> tuple:
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"[.]", code))


__all__ = [
    "SCAN_FORMAT",
    "WEERBAARHEIDSSCAN_PATH",
    "AnswerLevel",
    "BaselineItem",
    "Question",
    "Questionnaire",
    "QuestionnaireError",
    "Recommendation",
    "Report",
    "Section",
    "parse_questionnaire",
    "read_questionnaire_file",
    "report",
    "severity",
]
