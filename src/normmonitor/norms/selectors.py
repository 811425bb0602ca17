"""Read access to stored norms."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from .models import NormVersion, Requirement
from .normfile import FLEVOLANDSE_NORM_PATH

__all__ = ["FLEVOLANDSE_NORM_PATH", "get_norm_version", "norm_tree"]


def get_norm_version(key: str, version: str | None = None) -> NormVersion:
    """The latest revision of a norm version; without ``version`` of the latest version, i.e.
    the one with the latest date, then the highest version label (1.10 after 1.9).
    Raises NormVersion.DoesNotExist."""
    versions = NormVersion.objects.filter(norm__key=key).select_related("norm")
    if version is not None:
        versions = versions.filter(version=version)
    candidates = list(versions)
    if not candidates:
        raise NormVersion.DoesNotExist(
            f"No norm '{key}'" + (f" version '{version}'" if version is not None else "")
        )
    return max(
        candidates,
        key=lambda nv: (nv.date or dt.date.min, _natural(nv.version), nv.revision),
    )


def norm_tree(norm_version: NormVersion) -> dict[str, Any]:
    """The norm version as a JSON-ready dict: metadata, scale, themes with nested requirements.
    Three queries, whatever the size of the norm."""
    requirements = list(norm_version.requirements.order_by("order"))
    children: dict[int | None, list[Requirement]] = {}
    for requirement in requirements:
        children.setdefault(requirement.parent_id, []).append(requirement)

    def node(requirement: Requirement) -> dict[str, Any]:
        return {
            "id": requirement.pk,
            "code": requirement.code,
            "label": requirement.label,
            "kind": requirement.kind,
            "group": requirement.group,
            "text": requirement.text,
            "applies_to": requirement.applies_to,
            "applicability_note": requirement.applicability_note,
            "rating": "derived" if requirement.derived else "direct",
            "recurrence": requirement.recurrence,
            "detection": requirement.detection,
            "children": [node(child) for child in children.get(requirement.pk, [])],
        }

    top_level: dict[int, list[Requirement]] = {}
    for requirement in children.get(None, []):
        top_level.setdefault(requirement.theme_id, []).append(requirement)

    return {
        "key": norm_version.norm.key,
        "name": norm_version.name,
        "version": norm_version.version,
        "revision": norm_version.revision,
        "date": norm_version.date.isoformat() if norm_version.date else None,
        "source": norm_version.source,
        "signatories": norm_version.signatories,
        "organisation_types": norm_version.organisation_types,
        "content_hash": norm_version.content_hash,
        "scale": [
            {
                "code": level.code,
                "label": level.label,
                "achieved": level.achieved,
                "weight": None if level.weight is None else float(level.weight),
                "not_applicable": level.not_applicable,
                "description": level.description,
            }
            for level in norm_version.scale.order_by("order")
        ],
        "themes": [
            {
                "id": theme.pk,
                "code": theme.code,
                "title": theme.title,
                "requirements": [node(r) for r in top_level.get(theme.pk, [])],
            }
            for theme in norm_version.themes.order_by("order")
        ],
    }


def _natural(label: str) -> tuple:
    # Digits compare as numbers, so version "1.10" sorts after "1.9".
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part)
        for part in re.split(r"(\d+)", label)
        if part
    )
