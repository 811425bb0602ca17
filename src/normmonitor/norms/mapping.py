"""Mapping files: how the items of one norm version continue in another (docs/norm-format.md,
"Mapping between versions"). Pure Python, no Django.

A mapping names, for items whose identity changed, one of five relations:

- ``same``: one item continues as one item (possibly under another code);
- ``split``: one item continues as several items;
- ``merged``: several items continue as one item;
- ``new``: an item of the later version without a predecessor;
- ``dropped``: an item of the earlier version without a successor.

Every item not mentioned continues under the same code, if the other version has that code and
it is not mentioned either; anything else must be spelled out, so that a forgotten item is an
error and not a silent gap in a trend line.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .yamlfile import MISSING, NormFileError, Problem, Validator, join, load_yaml, type_name

MAPPING_FORMAT = "normmonitor/norm-mapping@1"
DATA_DIR = Path(__file__).resolve().parent / "data"
# The illustrative Norm 2.0 (not the real text, which is not among the sources) and its mapping.
FLEVOLANDSE_NORM_2_PATH = DATA_DIR / "flevolandse-norm-2.0-illustratief.yaml"
FLEVOLANDSE_MAPPING_PATH = DATA_DIR / "flevolandse-norm-1.0-2.0.mapping.yaml"
RELATIONS = ("same", "split", "merged", "new", "dropped")
# What a relation becomes when the mapping is read from the later version to the earlier one.
INVERSE = {"same": "same", "split": "merged", "merged": "split", "new": "dropped", "dropped": "new"}

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class MappingError(NormFileError):
    """A mapping file that is malformed, or that does not fit the two versions it links."""


@dataclass(frozen=True)
class Link:
    """One relation between items: ``sources`` in the earlier, ``targets`` in the later version."""

    relation: str
    sources: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    note: str = ""

    def inverse(self) -> Link:
        return Link(INVERSE[self.relation], self.targets, self.sources, self.note)

    def to_dict(self) -> dict[str, Any]:
        return {
            "relation": self.relation,
            "from": list(self.sources),
            "to": list(self.targets),
            "note": self.note,
        }


@dataclass(frozen=True)
class MappingDocument:
    """A parsed mapping file: the explicit links only (the implicit same-code links are added
    by ``resolve`` once the two versions' codes are known)."""

    norm: str
    from_version: str
    to_version: str
    links: tuple[Link, ...]
    source: str = ""
    format: str = MAPPING_FORMAT

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "norm": self.norm,
            "from": self.from_version,
            "to": self.to_version,
            "source": self.source,
            "items": [link.to_dict() for link in self.links],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> MappingDocument:
        """The inverse of ``to_dict`` (for the JSON stored in NormMapping.document)."""
        return cls(
            norm=data["norm"],
            from_version=data["from"],
            to_version=data["to"],
            source=data.get("source", ""),
            links=tuple(
                Link(
                    link["relation"],
                    tuple(link.get("from", ())),
                    tuple(link.get("to", ())),
                    link.get("note", ""),
                )
                for link in data.get("items", ())
            ),
        )

    @property
    def content_hash(self) -> str:
        canonical = json.dumps(
            self.to_dict(), sort_keys=True, ensure_ascii=False, separators=(",", ":")
        )
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    def resolve(self, from_codes: Sequence[str], to_codes: Sequence[str]) -> ItemMap:
        """The complete map between two concrete versions, given all their item codes.
        Raises MappingError listing every item that is unknown or left unaccounted for."""
        problems: list[Problem] = []
        from_set, to_set = set(from_codes), set(to_codes)
        mentioned_from = {code for link in self.links for code in link.sources}
        mentioned_to = {code for link in self.links for code in link.targets}
        for index, link in enumerate(self.links):
            for code in link.sources:
                if code not in from_set:
                    problems.append(
                        Problem(
                            f"items[{index}].from",
                            f"version {self.from_version} has no item '{code}'",
                        )
                    )
            for code in link.targets:
                if code not in to_set:
                    problems.append(
                        Problem(
                            f"items[{index}].to", f"version {self.to_version} has no item '{code}'"
                        )
                    )
        links = list(self.links)
        for code in from_codes:
            if code in mentioned_from:
                continue
            if code in to_set and code not in mentioned_to:
                links.append(Link("same", (code,), (code,)))
            else:
                problems.append(
                    Problem(
                        "items",
                        f"item '{code}' of version {self.from_version} is not mapped: version "
                        f"{self.to_version} has no free item with that code; say where it "
                        "went (same, split, merged) or that it is dropped",
                    )
                )
        implicit = {link.targets[0] for link in links[len(self.links) :]}
        for code in to_codes:
            if code not in mentioned_to and code not in implicit:
                problems.append(
                    Problem(
                        "items",
                        f"item '{code}' of version {self.to_version} is not mapped: name the "
                        "item(s) it continues, or declare it new",
                    )
                )
        if problems:
            raise MappingError(problems, f"mapping {self.from_version} → {self.to_version}")
        return ItemMap(tuple(links))


@dataclass(frozen=True)
class ItemMap:
    """A complete mapping between the item codes of two versions (earlier → later)."""

    links: tuple[Link, ...]
    _by_source: dict[str, Link] = field(init=False, repr=False, compare=False)
    _by_target: dict[str, Link] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_source: dict[str, Link] = {}
        by_target: dict[str, Link] = {}
        for link in self.links:
            for code in link.sources:
                by_source[code] = link
            for code in link.targets:
                by_target[code] = link
        object.__setattr__(self, "_by_source", by_source)
        object.__setattr__(self, "_by_target", by_target)

    @classmethod
    def identity(cls, codes: Iterable[str], other_codes: Iterable[str] | None = None) -> ItemMap:
        """Same code, same item; with ``other_codes`` the codes missing on either side are
        dropped or new (two revisions of one version label)."""
        codes = list(codes)
        if other_codes is None:
            return cls(tuple(Link("same", (code,), (code,)) for code in codes))
        others = list(other_codes)
        other_set, code_set = set(others), set(codes)
        links = [
            Link("same", (code,), (code,)) if code in other_set else Link("dropped", (code,), ())
            for code in codes
        ]
        links += [Link("new", (), (code,)) for code in others if code not in code_set]
        return cls(tuple(links))

    def inverse(self) -> ItemMap:
        return ItemMap(tuple(link.inverse() for link in self.links))

    def link_to(self, target: str) -> Link | None:
        """The link by which a later item continues earlier ones (None for unknown codes)."""
        return self._by_target.get(target)

    def link_from(self, source: str) -> Link | None:
        return self._by_source.get(source)

    def successors(self, source: str) -> tuple[str, ...]:
        link = self._by_source.get(source)
        return link.targets if link else ()

    def predecessors(self, target: str) -> tuple[str, ...]:
        link = self._by_target.get(target)
        return link.sources if link else ()

    def counts(self) -> dict[str, int]:
        result = dict.fromkeys(RELATIONS, 0)
        for link in self.links:
            result[link.relation] += 1
        return result


def parse_mapping(text: str, *, filename: str = "<string>") -> MappingDocument:
    """Parse and validate the text of a mapping file (structure only: ``resolve`` checks it
    against the versions). Raises MappingError with every problem found."""
    problems: list[Problem] = []
    data, lines = load_yaml(text, problems)
    if not lines and problems:
        raise MappingError(problems, filename)
    checker = Validator(lines, problems)
    document = _document(checker, data)
    if document is None or problems:
        problems.sort(key=lambda problem: problem.line or 0)
        raise MappingError(problems, filename)
    return document


def read_mapping_file(path: str | Path) -> MappingDocument:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise MappingError([Problem("", f"cannot read the file: {exc}")], str(path)) from exc
    return parse_mapping(text, filename=str(path))


def is_mapping_text(text: str) -> bool:
    """Whether a YAML text declares the mapping format (used to tell mapping files from norm
    files on the command line without parsing them twice)."""
    return bool(re.search(r"^format:\s*['\"]?normmonitor/norm-mapping@", text, re.MULTILINE))


def _document(checker: Validator, data: Any) -> MappingDocument | None:
    if data is None:
        checker.problem("", "the file is empty")
        return None
    if not checker.mapping(data, "", {"format", "norm", "from", "to", "items"}, {"source"}):
        return None
    fmt = data.get("format", MISSING)
    if fmt is not MISSING and fmt != MAPPING_FORMAT:
        checker.problem("format", f"must be '{MAPPING_FORMAT}', not {fmt!r}")
    norm = checker.string(
        data, "norm", "", max_length=80, pattern=_SLUG, pattern_help="the norm's key (a slug)"
    )
    from_version = checker.string(data, "from", "", max_length=40)
    to_version = checker.string(data, "to", "", max_length=40)
    if from_version and from_version == to_version:
        checker.problem("to", "a mapping links two different versions")
    source = checker.string(data, "source", "", default="", allow_empty=True)
    links: list[Link] = []
    seen_from: dict[str, str] = {}
    seen_to: dict[str, str] = {}
    for index, item in enumerate(checker.sequence(data, "items", "", required=False)):
        path = f"items[{index}]"
        if not checker.mapping(item, path, {"relation"}, {"from", "to", "note"}):
            continue
        relation = item.get("relation")
        if relation not in RELATIONS:
            checker.problem(
                join(path, "relation"), f"must be one of {', '.join(RELATIONS)}, not {relation!r}"
            )
            continue
        sources = _codes(checker, item, "from", path)
        targets = _codes(checker, item, "to", path)
        _check_arity(checker, path, relation, sources, targets)
        for codes, seen, side in ((sources, seen_from, "from"), (targets, seen_to, "to")):
            for code in codes:
                if code in seen:
                    checker.problem(
                        join(path, side), f"item '{code}' is already mapped in {seen[code]}"
                    )
                seen.setdefault(code, path)
        note = checker.string(item, "note", path, default="", allow_empty=True)
        links.append(Link(relation, tuple(sources), tuple(targets), note))
    if checker.problems:
        return None
    return MappingDocument(
        norm=norm,
        from_version=from_version,
        to_version=to_version,
        links=tuple(links),
        source=source,
    )


def _codes(checker: Validator, item: Mapping, key: str, path: str) -> list[str]:
    value = item.get(key, [])
    where = join(path, key)
    values = value if isinstance(value, list) else [value]
    codes: list[str] = []
    for index, code in enumerate(values):
        at = f"{where}[{index}]" if isinstance(value, list) else where
        if not isinstance(code, str):
            hint = f' (write it in quotes: "{code}")' if isinstance(code, int | float) else ""
            checker.problem(at, f"must be an item code, not {type_name(code)}{hint}")
        elif not _CODE.match(code.strip()):
            checker.problem(at, f"'{code}' is not an item code")
        elif code.strip() in codes:
            checker.problem(at, f"'{code}' is listed twice")
        else:
            codes.append(code.strip())
    return codes


def _check_arity(
    checker: Validator, path: str, relation: str, sources: list[str], targets: list[str]
) -> None:
    rules = {
        "same": (1, 1, 1, 1, "one item from and one item to"),
        "split": (1, 1, 2, None, "one item from and two or more to"),
        "merged": (2, None, 1, 1, "two or more items from and one to"),
        "new": (0, 0, 1, None, "items to only (no from)"),
        "dropped": (1, None, 0, 0, "items from only (no to)"),
    }
    min_from, max_from, min_to, max_to, wanted = rules[relation]
    ok = (
        min_from <= len(sources)
        and (max_from is None or len(sources) <= max_from)
        and min_to <= len(targets)
        and (max_to is None or len(targets) <= max_to)
    )
    if not ok:
        checker.problem(
            path,
            f"relation '{relation}' needs {wanted}; "
            f"found {len(sources)} from and {len(targets)} to",
        )


__all__ = [
    "FLEVOLANDSE_MAPPING_PATH",
    "FLEVOLANDSE_NORM_2_PATH",
    "INVERSE",
    "MAPPING_FORMAT",
    "RELATIONS",
    "ItemMap",
    "Link",
    "MappingDocument",
    "MappingError",
    "is_mapping_text",
    "parse_mapping",
    "read_mapping_file",
]
