"""Loading norm files into the database.

A NormVersion is never changed after it is created: rounds and assessments point at its
requirements. Loading a file whose content differs from the stored version with the same key and
version label therefore adds a new revision beside it instead of updating it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from .mapping import MappingDocument, MappingError, read_mapping_file
from .models import Norm, NormMapping, NormVersion, Requirement, ScaleLevel, Theme
from .normfile import FLEVOLANDSE_NORM_PATH, NormDocument, Problem, read_norm_file

__all__ = [
    "FLEVOLANDSE_NORM_PATH",
    "LoadResult",
    "MappingLoadResult",
    "load_mapping",
    "load_mapping_file",
    "load_norm",
    "load_norm_file",
]


@dataclass(frozen=True)
class LoadResult:
    norm_version: NormVersion
    created: bool
    message: str


def load_norm(document: NormDocument) -> LoadResult:
    """Store a parsed norm. Idempotent: loading the same content again changes nothing."""
    with transaction.atomic():
        norm, _ = Norm.objects.get_or_create(key=document.key, defaults={"name": document.name})
        # Serialises concurrent loads of one norm (a no-op on SQLite, which locks the database).
        norm = Norm.objects.select_for_update().get(pk=norm.pk)
        latest = (
            NormVersion.objects.filter(norm=norm, version=document.version)
            .order_by("-revision")
            .first()
        )
        # Compare with the latest revision only, so that reverting a file to an earlier content
        # makes that content current again (as a new revision) rather than a silent no-op.
        if latest is not None and latest.content_hash == document.content_hash:
            return LoadResult(latest, False, f"unchanged: {_describe(latest)}")

        if norm.name != document.name:
            norm.name = document.name
            norm.save(update_fields=["name"])
        norm_version = NormVersion.objects.create(
            norm=norm,
            version=document.version,
            revision=latest.revision + 1 if latest else 1,
            name=document.name,
            date=document.date,
            source=document.source,
            signatories=[signatory.to_dict() for signatory in document.signatories],
            organisation_types=list(document.organisation_types),
            content_hash=document.content_hash,
            document=document.to_dict(),
        )
        _create_scale(norm_version, document)
        count = _create_tree(norm_version, document)
        verb = (
            "created"
            if latest is None
            else f"created (content differs from revision {latest.revision})"
        )
        return LoadResult(
            norm_version,
            True,
            f"{verb}: {_describe(norm_version)} with {len(document.themes)} themes, "
            f"{len(document.ambitions)} ambitions and {count} requirements in all",
        )


def load_norm_file(path: str | Path) -> LoadResult:
    """Parse and load a norm file; raises normfile.NormFileError when the file is invalid."""
    return load_norm(read_norm_file(path))


def _create_scale(norm_version: NormVersion, document: NormDocument) -> None:
    ScaleLevel.objects.bulk_create(
        ScaleLevel(
            norm_version=norm_version,
            code=level.code,
            label=level.label,
            achieved=level.achieved,
            # via str() so that 0.1 is stored as 0.1, not as the binary float's expansion
            weight=None if level.weight is None else Decimal(str(level.weight)),
            not_applicable=level.not_applicable,
            description=level.description,
            order=order,
        )
        for order, level in enumerate(document.scale)
    )


def _create_tree(norm_version: NormVersion, document: NormDocument) -> int:
    themes = Theme.objects.bulk_create(
        Theme(norm_version=norm_version, code=theme.code, title=theme.title, order=order)
        for order, theme in enumerate(document.themes)
    )
    theme_rows = {theme.code: row for theme, row in zip(document.themes, themes, strict=True)}

    # One bulk_create per depth, top down: a parent has its primary key (returned by bulk_create
    # on SQLite and PostgreSQL) before its children are inserted.
    by_depth: dict[int, list[Requirement]] = {}
    rows: dict[str, Requirement] = {}
    for order, (theme, spec, parent, depth) in enumerate(document.walk()):
        row = Requirement(
            norm_version=norm_version,
            theme=theme_rows[theme.code],
            parent=rows[parent.code] if parent else None,
            code=spec.code,
            label=spec.label,
            kind=spec.kind,
            group=spec.group,
            text=spec.text,
            applies_to=list(spec.applies_to),
            applicability_note=spec.applicability_note,
            derived=spec.derived,
            recurrence=spec.recurrence,
            detection=spec.detection,
            depth=depth,
            order=order,
        )
        rows[spec.code] = row
        by_depth.setdefault(depth, []).append(row)
    for depth in sorted(by_depth):
        Requirement.objects.bulk_create(by_depth[depth])
    return len(rows)


def _describe(norm_version: NormVersion) -> str:
    return (
        f"{norm_version.norm.key} {norm_version.version} revision {norm_version.revision} "
        f"(sha256 {norm_version.content_hash[:12]})"
    )


@dataclass(frozen=True)
class MappingLoadResult:
    mapping: NormMapping
    created: bool
    message: str


def load_mapping(document: MappingDocument) -> MappingLoadResult:
    """Store a mapping between two loaded versions of a norm (the latest revision of each
    label). The mapping must account for every item of both versions (MappingError otherwise).
    Idempotent: the same content for the same pair of versions changes nothing."""
    from .selectors import get_norm_version  # selectors import models only; no cycle

    try:
        from_version = get_norm_version(document.norm, document.from_version)
        to_version = get_norm_version(document.norm, document.to_version)
    except NormVersion.DoesNotExist as missing:
        raise MappingError(
            [Problem("", f"{missing}; load the norm files before the mapping")],
            f"mapping {document.from_version} → {document.to_version}",
        ) from missing
    item_map = document.resolve(
        list(from_version.requirements.order_by("order").values_list("code", flat=True)),
        list(to_version.requirements.order_by("order").values_list("code", flat=True)),
    )
    with transaction.atomic():
        latest = (
            NormMapping.objects.filter(from_version=from_version, to_version=to_version)
            .order_by("-loaded_at", "-pk")
            .first()
        )
        described = f"{document.norm} {document.from_version} → {document.to_version}"
        if latest is not None and latest.content_hash == document.content_hash:
            return MappingLoadResult(latest, False, f"unchanged: mapping {described}")
        # An older content loaded again becomes current: its row is reused (the content is
        # unique per pair) and only its load time, which orders the rows, moves on.
        existing = NormMapping.objects.filter(
            from_version=from_version, to_version=to_version, content_hash=document.content_hash
        ).first()
        if existing is not None:
            NormMapping.objects.filter(pk=existing.pk).update(loaded_at=timezone.now())
            existing.refresh_from_db()
            return MappingLoadResult(existing, True, f"made current again: mapping {described}")
        mapping = NormMapping.objects.create(
            norm=from_version.norm,
            from_version=from_version,
            to_version=to_version,
            content_hash=document.content_hash,
            document=document.to_dict(),
        )
    counts = ", ".join(f"{n} {relation}" for relation, n in item_map.counts().items() if n)
    return MappingLoadResult(mapping, True, f"created: mapping {described} ({counts})")


def load_mapping_file(path: str | Path) -> MappingLoadResult:
    """Parse and load a mapping file; raises mapping.MappingError when it is invalid."""
    return load_mapping(read_mapping_file(path))
