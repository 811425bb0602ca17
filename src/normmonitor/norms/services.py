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

from .models import Norm, NormVersion, Requirement, ScaleLevel, Theme
from .normfile import FLEVOLANDSE_NORM_PATH, NormDocument, read_norm_file

__all__ = ["FLEVOLANDSE_NORM_PATH", "LoadResult", "load_norm", "load_norm_file"]


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
