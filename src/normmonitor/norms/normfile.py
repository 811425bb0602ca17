"""Norm files: the YAML format in which a norm is written down (see docs/norm-format.md).

``parse_norm`` turns the text of a norm file into a ``NormDocument`` or raises ``NormFileError``
listing every problem it found, each with the path of the offending field and its line. The
dataclasses here are the public, Django-free description of a norm: the loader
(norms/services.py) stores them in the database and scoring may build its model from them.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from normmonitor.organisations.types import ORGANISATION_TYPES

FORMAT = "normmonitor/norm@1"
FLEVOLANDSE_NORM_PATH = Path(__file__).resolve().parent / "data" / "flevolandse-norm-2021.yaml"

KINDS = ("ambition", "subitem", "indicator")
RATINGS = ("direct", "derived")

# Field lengths follow the columns in norms/models.py, so that a valid file always loads.
_MAX_KEY, _MAX_NAME, _MAX_VERSION = 80, 200, 40
_MAX_THEME_CODE, _MAX_TITLE = 20, 300
_MAX_CODE, _MAX_LABEL, _MAX_GROUP, _MAX_RECURRENCE = 40, 40, 200, 20
_MAX_SCALE_CODE, _MAX_SCALE_LABEL = 40, 100
# Deeper trees are almost certainly a mistake (or a YAML alias pointing at an ancestor).
_MAX_DEPTH = 8

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_SCALE_CODE = re.compile(r"^[-a-zA-Z0-9_]+$")
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_PERIOD = re.compile(
    r"^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(?:\.\d+)?S)?)?$"
)


# --------------------------------------------------------------------------------------------
# Public data model


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a norm file. ``location`` is a path such as
    ``themes[2].requirements[4].code`` (empty for the file as a whole); ``line`` is 1-based."""

    location: str
    message: str
    line: int | None = None

    def format(self, filename: str = "") -> str:
        """``FILE:LINE: path: message``, leaving out the parts that are unknown."""
        prefix = ":".join(part for part in (filename, str(self.line or "")) if part)
        parts = [part for part in (prefix, self.location, self.message) if part]
        return ": ".join(parts)

    def __str__(self) -> str:
        return self.format()


class NormFileError(ValueError):
    def __init__(self, problems: list[Problem], filename: str = "<string>") -> None:
        self.problems = problems
        self.filename = filename
        super().__init__(
            f"{filename}: {len(problems)} problem(s)\n"
            + "\n".join(problem.format(filename) for problem in problems)
        )


@dataclass(frozen=True)
class Signatory:
    organisation: str
    name: str
    role: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"organisation": self.organisation, "name": self.name, "role": self.role}


@dataclass(frozen=True)
class ScaleLevelSpec:
    code: str
    label: str
    achieved: bool = False
    weight: float | None = None  # None only for the not-applicable level
    not_applicable: bool = False
    description: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "label": self.label,
            "achieved": self.achieved,
            "weight": self.weight,
            "not_applicable": self.not_applicable,
            "description": self.description,
        }


@dataclass(frozen=True)
class RequirementSpec:
    code: str
    label: str
    kind: str
    text: str
    applies_to: tuple[str, ...]
    group: str = ""
    applicability_note: str = ""
    rating: str = "direct"
    recurrence: str = ""
    detection: dict[str, Any] = field(default_factory=dict)
    children: tuple[RequirementSpec, ...] = ()

    @property
    def derived(self) -> bool:
        return self.rating == "derived"

    def walk(self, depth: int = 0) -> Iterator[tuple[RequirementSpec, int]]:
        """This requirement and its descendants, depth first, with their depth."""
        yield self, depth
        for child in self.children:
            yield from child.walk(depth + 1)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "label": self.label,
            "kind": self.kind,
            "group": self.group,
            "text": self.text,
            "applies_to": list(self.applies_to),
            "applicability_note": self.applicability_note,
            "rating": self.rating,
            "recurrence": self.recurrence,
            "detection": self.detection,
            "children": [child.to_dict() for child in self.children],
        }


@dataclass(frozen=True)
class ThemeSpec:
    code: str
    title: str
    requirements: tuple[RequirementSpec, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "title": self.title,
            "requirements": [requirement.to_dict() for requirement in self.requirements],
        }


@dataclass(frozen=True)
class NormDocument:
    key: str
    name: str
    version: str
    organisation_types: tuple[str, ...]
    scale: tuple[ScaleLevelSpec, ...]
    themes: tuple[ThemeSpec, ...]
    date: dt.date | None = None
    source: str = ""
    signatories: tuple[Signatory, ...] = ()
    format: str = FORMAT

    @property
    def ambitions(self) -> list[RequirementSpec]:
        """The top-level requirements of every theme: what a headline percentage counts."""
        return [requirement for theme in self.themes for requirement in theme.requirements]

    def walk(self) -> Iterator[tuple[ThemeSpec, RequirementSpec, RequirementSpec | None, int]]:
        """Every requirement depth first as (theme, requirement, parent, depth)."""

        def visit(theme, requirement, parent, depth):
            yield theme, requirement, parent, depth
            for child in requirement.children:
                yield from visit(theme, child, requirement, depth + 1)

        for theme in self.themes:
            for requirement in theme.requirements:
                yield from visit(theme, requirement, None, 0)

    def requirement(self, code: str) -> RequirementSpec:
        for _theme, requirement, _parent, _depth in self.walk():
            if requirement.code == code:
                return requirement
        raise KeyError(code)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form; stored as NormVersion.document and hashed for content_hash."""
        return {
            "format": self.format,
            "key": self.key,
            "name": self.name,
            "version": self.version,
            "date": self.date.isoformat() if self.date else None,
            "source": self.source,
            "signatories": [signatory.to_dict() for signatory in self.signatories],
            "organisation_types": list(self.organisation_types),
            "scale": [level.to_dict() for level in self.scale],
            "themes": [theme.to_dict() for theme in self.themes],
        }

    @property
    def content_hash(self) -> str:
        """sha256 of the canonical JSON of the parsed document: comments, layout, quoting and
        spelled-out defaults in the YAML do not change it; any change in meaning does."""
        canonical = json.dumps(
            self.to_dict(), sort_keys=True, ensure_ascii=False, separators=(",", ":")
        )
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def default_label(code: str) -> str:
    """How a code is shown: a trailing letter is set off by a space (3.2.2.A -> 3.2.2 A)."""
    head, dot, tail = code.rpartition(".")
    if dot and head and tail.isalpha():
        return f"{head} {tail}"
    return code


def parse_norm(text: str, *, filename: str = "<string>") -> NormDocument:
    """Parse and validate the text of a norm file; raise NormFileError with all problems."""
    problems: list[Problem] = []
    data, lines = _load_yaml(text, problems)
    if not lines and problems:  # malformed YAML: there is no tree to check
        raise NormFileError(problems, filename)
    validator = _Validator(lines, problems)
    document = validator.document(data)
    if document is None:
        # In file order, so that the list reads top to bottom like the file.
        problems.sort(key=lambda problem: problem.line or 0)
        raise NormFileError(problems, filename)
    return document


def read_norm_file(path: str | Path) -> NormDocument:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise NormFileError([Problem("", f"cannot read the file: {exc}")], str(path)) from exc
    return parse_norm(text, filename=str(path))


# --------------------------------------------------------------------------------------------
# YAML with line numbers


def _load_yaml(text: str, problems: list[Problem]) -> tuple[Any, dict[str, int]]:
    """Safely compose and construct the YAML, indexing the line of every path in the tree."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(part for part in (exc.context, exc.problem) if part)
        problems.append(Problem("", f"malformed YAML: {message}", mark.line + 1 if mark else None))
        return None, {}
    except yaml.YAMLError as exc:
        problems.append(Problem("", f"malformed YAML: {exc}"))
        return None, {}
    finally:
        loader.dispose()
    lines: dict[str, int] = {}
    if node is not None:
        _index_lines(node, "", lines, problems, set())
    return data, lines


def _index_lines(
    node: yaml.Node, path: str, lines: dict[str, int], problems: list[Problem], seen: set[int]
) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if id(node) in seen:  # an alias to an ancestor: the validator reports the depth
        return
    seen = seen | {id(node)}
    if isinstance(node, yaml.MappingNode):
        first_seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                continue
            key = key_node.value
            child = f"{path}.{key}" if path else key
            line = key_node.start_mark.line + 1
            # PyYAML silently keeps the last of two equal keys; in a norm that hides an edit.
            if key in first_seen:
                problems.append(
                    Problem(child, f"duplicate field (first on line {first_seen[key]})", line)
                )
            first_seen.setdefault(key, line)
            lines.setdefault(child, line)
            _index_lines(value_node, child, lines, problems, seen)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _index_lines(item, f"{path}[{index}]", lines, problems, seen)


# --------------------------------------------------------------------------------------------
# Validation

_MISSING = object()


class _Validator:
    """Walks the loaded data once, collecting problems instead of stopping at the first."""

    def __init__(self, lines: dict[str, int], problems: list[Problem]) -> None:
        self.lines = lines
        self.problems = problems
        self.org_types: set[str] = set()
        self.codes: dict[str, str] = {}  # requirement code -> path where first seen

    # -- helpers ----------------------------------------------------------------------------

    def line(self, path: str) -> int | None:
        # A missing field has no line of its own: use the nearest enclosing one.
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path.rsplit("[", 1)[0] if path.endswith("]") else path.rpartition(".")[0]
        return self.lines.get("")

    def problem(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message, self.line(path)))

    def mapping(self, value: Any, path: str, required: set[str], optional: set[str]) -> bool:
        if not isinstance(value, dict):
            self.problem(path, f"must be a mapping, not {_type_name(value)}")
            return False
        allowed = required | optional
        for key in value:
            if key not in allowed:
                hint = difflib.get_close_matches(str(key), sorted(allowed), n=1)
                suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
                self.problem(_join(path, key), f"unknown field{suggestion}")
        for key in sorted(required - value.keys(), key=_field_order):
            self.problem(_join(path, key), "required field is missing")
        return True

    def string(
        self,
        mapping: dict,
        key: str,
        path: str,
        *,
        default: Any = _MISSING,
        max_length: int | None = None,
        pattern: re.Pattern | None = None,
        pattern_help: str = "",
        allow_empty: bool = False,
    ) -> str:
        value = mapping.get(key, default)
        where = _join(path, key)
        if value is _MISSING:
            return ""  # already reported by mapping()
        if value is None:
            value = ""
        if not isinstance(value, str):
            hint = ""
            if isinstance(value, int | float) and not isinstance(value, bool):
                # 3.10 unquoted reads as the number 3.1: the quotes are not optional.
                hint = f' (write it in quotes: "{value}")'
            self.problem(where, f"must be a string, not {_type_name(value)}{hint}")
            return ""
        value = value.strip()
        if not value and not allow_empty:
            self.problem(where, "must not be empty")
        elif max_length and len(value) > max_length:
            self.problem(where, f"is longer than {max_length} characters")
        elif pattern and value and not pattern.match(value):
            self.problem(where, f"'{value}' is not valid: {pattern_help}")
        return value

    def boolean(self, mapping: dict, key: str, path: str) -> bool:
        value = mapping.get(key, False)
        if not isinstance(value, bool):
            self.problem(_join(path, key), f"must be true or false, not {_type_name(value)}")
            return False
        return value

    def sequence(self, mapping: dict, key: str, path: str, *, required: bool = True) -> list:
        value = mapping.get(key, _MISSING)
        if value is _MISSING:
            return []
        if not isinstance(value, list):
            self.problem(_join(path, key), f"must be a list, not {_type_name(value)}")
            return []
        if required and not value:
            self.problem(_join(path, key), "must not be empty")
        return value

    def org_type_list(
        self,
        value: Any,
        path: str,
        *,
        allowed: set[str] | None = None,
        parent: RequirementSpec | None = None,
    ) -> list[str]:
        """A list of organisation types: known ones, no repeats, and (for applies_to) within
        the norm's organisation_types and within the parent requirement's applies_to."""
        if not isinstance(value, list) or not value:
            self.problem(path, "must be a non-empty list of organisation types")
            return []
        result: list[str] = []
        for index, item in enumerate(value):
            where = f"{path}[{index}]"
            if not isinstance(item, str):
                self.problem(where, f"must be a string, not {_type_name(item)}")
            elif item not in ORGANISATION_TYPES:
                known = ", ".join(ORGANISATION_TYPES)
                self.problem(where, f"unknown organisation type '{item}' (known: {known})")
            elif item in result:
                self.problem(where, f"'{item}' is listed twice")
            elif allowed and item not in allowed:
                self.problem(
                    where,
                    f"'{item}' is not one of the norm's organisation_types "
                    f"({', '.join(sorted(allowed))})",
                )
            elif parent is not None and item not in parent.applies_to:
                self.problem(
                    where,
                    f"'{item}' is not in the applies_to of parent {parent.code} "
                    f"({', '.join(parent.applies_to)}); a child cannot apply more widely",
                )
            else:
                result.append(item)
        return result

    # -- the document ---------------------------------------------------------------------

    def document(self, data: Any) -> NormDocument | None:
        """The NormDocument, or None when there were problems (see self.problems)."""
        if data is None:
            self.problem("", "the file is empty")
            return None
        top_required = {"format", "key", "name", "version", "organisation_types", "scale", "themes"}
        if not self.mapping(data, "", top_required, {"date", "source", "signatories"}):
            return None

        fmt = data.get("format", _MISSING)
        if fmt is not _MISSING and fmt != FORMAT:
            self.problem("format", f"must be '{FORMAT}', not {fmt!r}")
        key = self.string(
            data,
            "key",
            "",
            max_length=_MAX_KEY,
            pattern=_SLUG,
            pattern_help="use lower-case letters, digits and hyphens (a slug)",
        )
        name = self.string(data, "name", "", max_length=_MAX_NAME)
        version = self.string(data, "version", "", max_length=_MAX_VERSION)
        date = self.date(data.get("date"), "date")
        source = self.string(data, "source", "", default="", allow_empty=True)
        signatories = self.signatories(data.get("signatories", []))

        org_types: list[str] = []
        if "organisation_types" in data:
            org_types = self.org_type_list(data["organisation_types"], "organisation_types")
        self.org_types = set(org_types)

        scale = self.scale(self.sequence(data, "scale", ""))
        themes = self.themes(self.sequence(data, "themes", ""))

        if self.problems:
            return None
        return NormDocument(
            key=key,
            name=name,
            version=version,
            date=date,
            source=source,
            signatories=tuple(signatories),
            organisation_types=tuple(org_types),
            scale=tuple(scale),
            themes=tuple(themes),
        )

    def date(self, value: Any, path: str) -> dt.date | None:
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            self.problem(path, "must be a date (YYYY-MM-DD) without a time")
            return None
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        self.problem(path, f"{value!r} is not a date; write it as YYYY-MM-DD")
        return None

    def signatories(self, value: Any) -> list[Signatory]:
        if not isinstance(value, list):
            self.problem("signatories", f"must be a list, not {_type_name(value)}")
            return []
        result = []
        for index, item in enumerate(value):
            path = f"signatories[{index}]"
            if self.mapping(item, path, {"organisation", "name"}, {"role"}):
                result.append(
                    Signatory(
                        organisation=self.string(item, "organisation", path),
                        name=self.string(item, "name", path),
                        role=self.string(item, "role", path, default="", allow_empty=True),
                    )
                )
        return result

    # -- scale --------------------------------------------------------------------------

    def scale(self, items: list) -> list[ScaleLevelSpec]:
        levels: list[tuple[str, ScaleLevelSpec]] = []
        seen: dict[str, str] = {}
        for index, item in enumerate(items):
            path = f"scale[{index}]"
            optional = {"achieved", "weight", "not_applicable", "description"}
            if not self.mapping(item, path, {"code", "label"}, optional):
                continue
            code = self.string(
                item,
                "code",
                path,
                max_length=_MAX_SCALE_CODE,
                pattern=_SCALE_CODE,
                pattern_help="use letters, digits, hyphens and underscores",
            )
            if code in seen:
                self.problem(
                    _join(path, "code"), f"duplicate scale level '{code}' (see {seen[code]})"
                )
            elif code:
                seen[code] = _join(path, "code")
            level = ScaleLevelSpec(
                code=code,
                label=self.string(item, "label", path, max_length=_MAX_SCALE_LABEL),
                achieved=self.boolean(item, "achieved", path),
                weight=self.weight(item, path, rated=item.get("not_applicable") is not True),
                not_applicable=self.boolean(item, "not_applicable", path),
                description=self.string(item, "description", path, default="", allow_empty=True),
            )
            levels.append((path, level))
        self.scale_rules(levels)
        return [level for _path, level in levels]

    def weight(self, item: dict, path: str, *, rated: bool) -> float | None:
        value = item.get("weight")
        if value is None:
            if rated and "weight" not in item:
                self.problem(_join(path, "weight"), "required for a level that can be rated")
            elif rated:
                self.problem(_join(path, "weight"), "must be a number, not empty")
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problem(_join(path, "weight"), f"must be a number, not {_type_name(value)}")
            return None
        if not 0 <= value <= 1:
            self.problem(_join(path, "weight"), "must be between 0 and 1")
        return float(value)

    def scale_rules(self, levels: list[tuple[str, ScaleLevelSpec]]) -> None:
        """Ordered best to worst: weights never increase, achieved levels come first, at
        most one not-applicable level, which carries no weight and is not 'achieved'."""
        rated = [(path, level) for path, level in levels if not level.not_applicable]
        not_applicable = [(path, level) for path, level in levels if level.not_applicable]
        for path, _level in not_applicable[1:]:
            self.problem(_join(path, "not_applicable"), "only one level can be not applicable")
        for path, level in not_applicable:
            if level.weight is not None:
                self.problem(_join(path, "weight"), "a not-applicable level has no weight")
            if level.achieved:
                self.problem(_join(path, "achieved"), "a not-applicable level cannot be achieved")
        if levels and not rated:
            self.problem("scale", "needs at least one level that is not 'not applicable'")
        if rated and not any(level.achieved for _path, level in rated):
            self.problem("scale", "needs at least one achieved level")
        previous: tuple[str, ScaleLevelSpec] | None = None
        for path, level in rated:
            if previous is not None:
                before = previous[1]
                if level.achieved and not before.achieved:
                    self.problem(
                        _join(path, "achieved"),
                        f"achieved level '{level.code}' must come before "
                        f"non-achieved level '{before.code}'",
                    )
                if (
                    level.weight is not None
                    and before.weight is not None
                    and level.weight > before.weight
                ):
                    self.problem(
                        _join(path, "weight"),
                        f"weight {level.weight:g} is higher than the weight {before.weight:g} "
                        f"of '{before.code}' above it (list levels from best to worst)",
                    )
            previous = (path, level)

    # -- themes and requirements ------------------------------------------------------------

    def themes(self, items: list) -> list[ThemeSpec]:
        themes = []
        seen: dict[str, str] = {}
        for index, item in enumerate(items):
            path = f"themes[{index}]"
            if not self.mapping(item, path, {"code", "title", "requirements"}, set()):
                continue
            code = self.string(
                item,
                "code",
                path,
                max_length=_MAX_THEME_CODE,
                pattern=_CODE,
                pattern_help="use letters, digits, dots, hyphens and underscores",
            )
            if code in seen:
                self.problem(
                    _join(path, "code"), f"duplicate theme code '{code}' (see {seen[code]})"
                )
            elif code:
                seen[code] = _join(path, "code")
            title = self.string(item, "title", path, max_length=_MAX_TITLE)
            requirements = [
                self.requirement(child, f"{path}.requirements[{i}]", parent=None)
                for i, child in enumerate(self.sequence(item, "requirements", path))
            ]
            themes.append(
                ThemeSpec(code=code, title=title, requirements=tuple(filter(None, requirements)))
            )
        return themes

    def requirement(
        self, item: Any, path: str, *, parent: RequirementSpec | None
    ) -> RequirementSpec | None:
        optional = {
            "label",
            "kind",
            "group",
            "applies_to",
            "applicability_note",
            "rating",
            "recurrence",
            "detection",
            "children",
        }
        depth = path.count(".children[")
        if depth >= _MAX_DEPTH:
            self.problem(path, f"requirements are nested more than {_MAX_DEPTH} levels deep")
            return None
        # applies_to is required at the top of a theme: who a norm addresses is never implicit.
        required = {"code", "text"} | ({"applies_to"} if parent is None else set())
        if not self.mapping(item, path, required, optional - required):
            return None

        code = self.string(
            item,
            "code",
            path,
            max_length=_MAX_CODE,
            pattern=_CODE,
            pattern_help="use letters, digits, dots, hyphens and underscores (3.2.2.A)",
        )
        if code in self.codes:
            self.problem(
                _join(path, "code"), f"duplicate requirement code '{code}' (see {self.codes[code]})"
            )
        elif code:
            self.codes[code] = _join(path, "code")
        if "label" in item:
            label = self.string(item, "label", path, max_length=_MAX_LABEL)
        else:
            label = default_label(code)
        kind = self.choice(item, "kind", path, KINDS, "ambition" if parent is None else "subitem")
        rating = self.choice(item, "rating", path, RATINGS, "direct")
        text = self.string(item, "text", path)
        group = self.string(
            item,
            "group",
            path,
            default=parent.group if parent else "",  # children share their parent's sub-heading
            allow_empty=True,
            max_length=_MAX_GROUP,
        )
        applies_to = self.applies_to(item, path, parent)
        note = self.string(item, "applicability_note", path, default="", allow_empty=True)
        recurrence = self.string(item, "recurrence", path, default="", allow_empty=True)
        if recurrence and not _PERIOD.match(recurrence):
            self.problem(
                _join(path, "recurrence"),
                f"'{recurrence}' is not an ISO 8601 period (P1Y, P6M, P2W …)",
            )
        elif len(recurrence) > _MAX_RECURRENCE:
            self.problem(_join(path, "recurrence"), f"is longer than {_MAX_RECURRENCE} characters")
        detection = item.get("detection", {})
        detection = {} if detection is None else detection
        if not isinstance(detection, dict):
            self.problem(
                _join(path, "detection"), f"must be a mapping, not {_type_name(detection)}"
            )
            detection = {}
        elif not _is_json(detection):
            self.problem(
                _join(path, "detection"), "may only hold strings, numbers, lists, mappings"
            )
            detection = {}
        elif "scan" in detection:
            self.scan_rules(detection["scan"], _join(path, "detection"))

        spec = RequirementSpec(
            code=code,
            label=label,
            kind=kind,
            text=text,
            applies_to=tuple(applies_to),
            group=group,
            applicability_note=note,
            rating=rating,
            recurrence=recurrence,
            detection=detection,
        )
        children_raw = self.sequence(item, "children", path, required=False)
        children = [
            self.requirement(child, f"{path}.children[{i}]", parent=spec)
            for i, child in enumerate(children_raw)
        ]
        if rating == "derived" and not children_raw:
            self.problem(_join(path, "rating"), "a derived rating needs children to derive it from")
        return replace(spec, children=tuple(filter(None, children)))

    def scan_rules(self, scan: Any, path: str) -> None:
        """``detection.scan`` holds document-scan rules (docs/document-scan.md); other keys of
        ``detection`` are passed on unchecked."""
        from normmonitor.documentscan.scanner.rules import validate

        for where, message in validate(scan, "scan"):
            self.problem(_join(path, where), message)

    def choice(
        self, item: dict, key: str, path: str, choices: tuple[str, ...], default: str
    ) -> str:
        value = item.get(key, default)
        if value not in choices:
            self.problem(_join(path, key), f"must be one of {', '.join(choices)}, not {value!r}")
            return default
        return value

    def applies_to(self, item: dict, path: str, parent: RequirementSpec | None) -> list[str]:
        if "applies_to" not in item:  # children inherit; the top level requires it
            return list(parent.applies_to) if parent else []
        return self.org_type_list(
            item["applies_to"], _join(path, "applies_to"), allowed=self.org_types, parent=parent
        )


def _join(path: str, key: Any) -> str:
    return f"{path}.{key}" if path else str(key)


_FIELD_ORDER = ("format", "key", "name", "version", "code", "label", "title", "text", "applies_to")


def _field_order(key: str) -> tuple[int, str]:
    return (_FIELD_ORDER.index(key) if key in _FIELD_ORDER else len(_FIELD_ORDER), key)


def _type_name(value: Any) -> str:
    names = {dict: "a mapping", list: "a list", str: "a string", bool: "a boolean"}
    if value is None:
        return "empty"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"the number {value}"
    return names.get(type(value), type(value).__name__)


def _is_json(value: Any, depth: int = 0) -> bool:
    if depth > 32:
        return False
    if value is None or isinstance(value, str | bool | int | float):
        return True
    if isinstance(value, list):
        return all(_is_json(item, depth + 1) for item in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _is_json(v, depth + 1) for k, v in value.items())
    return False
