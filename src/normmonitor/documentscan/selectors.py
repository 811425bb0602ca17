"""Reads for the document scan: which documents a user may see, which rules apply, the latest
scan per organisation, the region matrix and the side-by-side comparison."""

from __future__ import annotations

import difflib
import itertools
import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from normmonitor.access.policy import grants_for
from normmonitor.assessments.models import Answer, Assessment
from normmonitor.norms.models import NormVersion, ScaleLevel
from normmonitor.organisations.models import Organisation, Region
from normmonitor.rounds.models import MonitoringRound, RoundState

from .models import RegionScanSetting, Scan, ScannedDocument
from .scanner import Finding, Rule, rules_from_norm

# --------------------------------------------------------------------------------------------
# Scope


def document_organisations(user: Any) -> QuerySet[Organisation]:
    """Organisations whose documents the user may see (documentscan.view_document)."""
    grants = grants_for(user)
    if grants.administrator:
        return Organisation.objects.all()
    open_regions = RegionScanSetting.objects.filter(
        editors_see_region=True, region__members__in=grants.edited_organisations
    ).values("region_id")
    return Organisation.objects.filter(
        Q(pk__in=grants.edited_organisations)
        | Q(regions__in=grants.coordinated_regions)
        | Q(regions__in=open_regions)
    ).distinct()


def visible_documents(user: Any) -> QuerySet[ScannedDocument]:
    return ScannedDocument.objects.select_related("organisation").filter(
        organisation__in=document_organisations(user)
    )


def uploadable_organisations(user: Any) -> QuerySet[Organisation]:
    """Organisations the user may upload for: those they edit (documentscan.upload_document)."""
    return Organisation.objects.filter(pk__in=grants_for(user).edited_organisations)


def comparable_regions(user: Any) -> QuerySet[Region]:
    """Regions whose matrix the user may open (documentscan.view_region_documents)."""
    grants = grants_for(user)
    if grants.administrator:
        return Region.objects.all()
    return Region.objects.filter(
        Q(pk__in=grants.coordinated_regions) | Q(members__in=grants.edited_organisations)
    ).distinct()


def document_rows(user: Any, limit: int = 200) -> list[tuple[ScannedDocument, dict[str, int]]]:
    """The documents the user may see, newest first, with the verdicts of their latest scan
    counted (two queries)."""
    documents = list(visible_documents(user)[:limit])
    latest: dict[int, Scan] = {}
    for scan in Scan.objects.filter(document__in=documents).order_by("created_at"):
        latest[scan.document_id] = scan
    rows = []
    for document in documents:
        counts: dict[str, int] = {}
        for finding in latest[document.pk].findings if document.pk in latest else []:
            counts[finding["verdict"]] = counts.get(finding["verdict"], 0) + 1
        rows.append((document, counts))
    return rows


def region_members(user: Any, region: Region) -> list[Organisation]:
    """The members of a region whose documents the user may see: all of them for the working
    group, only their own for an editor unless the region shares."""
    return list(
        region.members.filter(pk__in=document_organisations(user).values("pk")).order_by(
            "type", "name"
        )
    )


def region_rules(region: Region, kind: str) -> list[Rule]:
    """The rules of ``kind`` of the norm the region's latest round uses."""
    version = None
    latest = region.rounds.select_related("norm_version").order_by("-reference_date").first()
    if latest is not None:
        version = with_rules(latest.norm_version)
    first = region.members.first()
    if version is None and first is not None:
        version = rules_version_for(first)
    return [rule for rule in (rules_of(version) if version else []) if kind in rule.kinds]


def editors_see_region(region: Region) -> bool:
    return RegionScanSetting.objects.filter(region=region, editors_see_region=True).exists()


# --------------------------------------------------------------------------------------------
# Rules

_rules_cache: dict[tuple[int, str], list[Rule]] = {}


def rules_of(norm_version: NormVersion) -> list[Rule]:
    """The detection rules in a norm version (cached: versions are immutable)."""
    key = (norm_version.pk, norm_version.content_hash)
    if key not in _rules_cache:
        _rules_cache[key] = rules_from_norm(norm_version.document)
    return _rules_cache[key]


def with_rules(norm_version: NormVersion) -> NormVersion | None:
    """The version itself if it carries detection rules, else the newest revision of the same
    norm and version label that does (a round may point at a revision loaded before the rules
    were written; a revision keeps the requirement codes, another version label may not)."""
    if rules_of(norm_version):
        return norm_version
    revisions = NormVersion.objects.filter(norm=norm_version.norm, version=norm_version.version)
    for candidate in revisions.order_by("-revision"):
        if rules_of(candidate):
            return candidate
    return None


def rules_version_for(organisation: Organisation) -> NormVersion | None:
    """Whose rules an organisation's documents are scanned with: the norm of its open round,
    else of its latest round, else the newest norm with rules."""
    rounds = MonitoringRound.objects.filter(region__members=organisation).select_related(
        "norm_version"
    )
    chosen = rounds.filter(state=RoundState.OPEN).order_by("-reference_date").first()
    chosen = chosen or rounds.order_by("-reference_date").first()
    if chosen is not None:
        return with_rules(chosen.norm_version)
    for candidate in NormVersion.objects.order_by("-loaded_at"):
        if rules_of(candidate):
            return candidate
    return None


# --------------------------------------------------------------------------------------------
# Scans and findings


def latest_scan(document: ScannedDocument) -> Scan | None:
    return document.scans.select_related("norm_version").first()


def findings_of(scan: Scan) -> list[Finding]:
    return [Finding.from_dict(data) for data in scan.findings]


VERDICT_ORDER = {"present": 0, "risk": 1, "partial": 2, "absent": 3}


@dataclass(frozen=True)
class Segment:
    """A piece of the document text for display: plain, or a highlighted deciding sentence."""

    text: str
    mark: str = ""  # the verdict of the finding it decides, or ""
    anchor: str = ""  # id for links from the finding


def text_segments(document: ScannedDocument, scan: Scan) -> list[Segment]:
    """The document text cut at the deciding sentences, highlighted, with an anchor each."""
    text = document.text
    marks: list[tuple[int, int, str, str]] = []
    for index, finding in enumerate(findings_of(scan)):
        for number, quote in enumerate(finding.quotes):
            marks.append((quote.start, quote.end, finding.verdict, f"q{index}-{number}"))
    marks.sort()
    kept: list[tuple[int, int, str, str]] = []
    for mark in marks:  # two findings may quote the same sentence: highlight it once
        if not kept or mark[0] >= kept[-1][1]:
            kept.append(mark)
    starts = {mark[0]: mark for mark in kept}
    boundaries = {0, len(text), *starts, *(mark[1] for mark in kept)}
    points = sorted(point for point in boundaries if 0 <= point <= len(text))
    segments: list[Segment] = []
    current: tuple[int, int, str, str] | None = None
    for start, end in itertools.pairwise(points):
        if start in starts:
            current = starts[start]
        if current is not None and start >= current[1]:
            current = None
        segments.append(
            Segment(
                text=text[start:end],
                mark=current[2] if current else "",
                anchor=current[3] if current and current[0] == start else "",
            )
        )
    return segments


# --------------------------------------------------------------------------------------------
# Adoption into an assessment


def open_assessments(organisation: Organisation) -> QuerySet[Assessment]:
    return Assessment.objects.select_related("round", "round__norm_version").filter(
        organisation=organisation, round__state=RoundState.OPEN
    )


def answers_by_code(assessment: Assessment) -> dict[str, Answer]:
    return {
        answer.requirement.code: answer
        for answer in assessment.answers.select_related("requirement", "level")
    }


def proposed_level(choice: str, scale: list[ScaleLevel]) -> ScaleLevel | None:
    """The rating a verdict proposes, in terms any norm's scale has (docs/document-scan.md)."""
    rated = [level for level in scale if not level.not_applicable]
    if choice == "achieved":
        return next((level for level in rated if level.achieved), None)
    if choice == "partial":
        partial = [
            level
            for level in rated
            if not level.achieved and level.weight is not None and 0 < level.weight < 1
        ]
        return max(partial, key=lambda level: level.weight, default=None)
    if choice == "not_achieved":
        return min(
            (level for level in rated if not level.achieved),
            key=lambda level: level.weight if level.weight is not None else 0,
            default=None,
        )
    if choice == "not_applicable":
        return next((level for level in scale if level.not_applicable), None)
    return None


# --------------------------------------------------------------------------------------------
# Region: matrix and side-by-side


@dataclass(frozen=True)
class Cell:
    finding: Finding | None  # None: no finding for this requirement in the scan
    index: int = -1  # the finding's place in its scan, for the link to its deciding sentence
    applicable: bool = True  # whether the requirement applies to the organisation's type


@dataclass(frozen=True)
class MatrixRow:
    organisation: Organisation
    scan: Scan | None
    cells: list[Cell | None]


def latest_scans(organisations: list[Organisation], kind: str) -> dict[int, Scan]:
    """The newest scan of the newest document of ``kind`` per organisation, in one query."""
    latest: dict[int, Scan] = {}
    scans = (
        Scan.objects.filter(document__organisation__in=organisations, document__kind=kind)
        .select_related("document", "norm_version")
        .order_by("document__organisation_id", "-document__uploaded_at", "-created_at")
    )
    for scan in scans:
        latest.setdefault(scan.document.organisation_id, scan)
    return latest


def applicable_organisations(organisations: list[Organisation], rules: list[Rule]) -> list:
    """The organisations at least one of the rules' requirements applies to."""
    types = {kind for rule in rules for kind in rule.applies_to}
    return [o for o in organisations if not types or o.type in types]


def region_matrix(
    organisations: list[Organisation], kind: str, rules: list[Rule]
) -> list[MatrixRow]:
    """One row per organisation that any of the rules applies to (an APV is a municipal
    by-law: the province has none), one cell per rule."""
    rules = [rule for rule in rules if kind in rule.kinds]
    organisations = applicable_organisations(organisations, rules)
    scans = latest_scans(organisations, kind)
    rows = []
    for organisation in organisations:
        scan = scans.get(organisation.pk)
        found = {
            finding.requirement: (index, finding)
            for index, finding in enumerate(findings_of(scan) if scan else [])
        }
        cells = []
        for rule in rules:
            index, finding = found.get(rule.requirement, (-1, None))
            applicable = not rule.applies_to or organisation.type in rule.applies_to
            cells.append(Cell(finding, index, applicable))
        rows.append(MatrixRow(organisation, scan, cells))
    return rows


@dataclass(frozen=True)
class Side:
    organisation: Organisation
    scan: Scan | None
    finding: Finding | None
    text: str


@dataclass(frozen=True)
class Comparison:
    left: Side
    right: Side
    left_pieces: list[tuple[str, str]]  # (kind, text): kind is "same" or "removed"
    right_pieces: list[tuple[str, str]]  # (kind, text): kind is "same" or "added"
    similarity: float


_WORDS = re.compile(r"\S+|\s+")


# A line break that only wraps a sentence (PDF), not one before a member, an item or a heading.
_WRAP = re.compile(r"\n(?!(?:\d{1,2}[a-z]?[.)]|[a-z]{1,2}[.)]|\d{1,2}°|[-•])\s)")


def article_text(scan: Scan, finding: Finding | None) -> str:
    """The article's text with wrapped lines joined, so that layout is no difference."""
    if finding is None or finding.article_start < 0:
        return ""
    text = scan.document.text[finding.article_start : finding.article_end].strip()
    heading, _newline, body = text.partition("\n")
    return f"{heading}\n{_WRAP.sub(' ', body.strip())}".strip()


def compare_members(
    left: Organisation, right: Organisation, requirement: str, kind: str
) -> Comparison:
    """The article that implements ``requirement`` in each member's latest document of
    ``kind``, compared."""
    scans = latest_scans([left, right], kind)

    def side(organisation: Organisation) -> Side:
        scan = scans.get(organisation.pk)
        found = {f.requirement: f for f in findings_of(scan)} if scan else {}
        finding = found.get(requirement)
        return Side(organisation, scan, finding, article_text(scan, finding) if scan else "")

    return compare(side(left), side(right))


def compare(left: Side, right: Side) -> Comparison:
    """Word by word difference of two articles (difflib), numbers and layout aside."""
    a, b = _WORDS.findall(left.text), _WORDS.findall(right.text)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    left_pieces: list[tuple[str, str]] = []
    right_pieces: list[tuple[str, str]] = []
    for operation, a1, a2, b1, b2 in matcher.get_opcodes():
        if operation == "equal":
            left_pieces.append(("same", "".join(a[a1:a2])))
            right_pieces.append(("same", "".join(b[b1:b2])))
        else:
            if a2 > a1:
                left_pieces.append(("removed", "".join(a[a1:a2])))
            if b2 > b1:
                right_pieces.append(("added", "".join(b[b1:b2])))
    return Comparison(left, right, left_pieces, right_pieces, matcher.ratio())
