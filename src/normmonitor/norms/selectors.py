"""Read access to stored norms."""

from __future__ import annotations

import datetime as dt
import re
from collections import deque
from typing import Any

from .mapping import ItemMap, MappingDocument
from .models import NormMapping, NormVersion, Requirement
from .normfile import FLEVOLANDSE_NORM_PATH

__all__ = [
    "FLEVOLANDSE_NORM_PATH",
    "carry_over_codes",
    "get_norm_version",
    "item_codes",
    "norm_tree",
    "version_path",
]


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


def item_codes(norm_version: NormVersion) -> list[str]:
    """Every requirement code of a version, in tree order."""
    return list(norm_version.requirements.order_by("order").values_list("code", flat=True))


# Resolved maps per mapping row: the rows' content and the versions they link never change.
_item_maps: dict[int, ItemMap] = {}


def _resolved(mapping: NormMapping) -> ItemMap:
    item_map = _item_maps.get(mapping.pk)
    if item_map is None:
        item_map = MappingDocument.from_dict(mapping.document).resolve(
            item_codes(mapping.from_version), item_codes(mapping.to_version)
        )
        _item_maps[mapping.pk] = item_map
    return item_map


def version_path(start: NormVersion, end: NormVersion) -> list[ItemMap] | None:
    """The chain of item maps that carries the item codes of ``start`` into those of ``end``:
    empty for the same version, None when the versions are not linked (another norm, or no
    mapping loaded). Revisions of one version label are linked by code; loaded mappings link
    version labels in both directions (read backwards, a split is a merge)."""
    if start.pk == end.pk:
        return []
    if start.norm_id != end.norm_id:
        return None
    versions = {v.pk: v for v in NormVersion.objects.filter(norm_id=start.norm_id)}
    edges: dict[int, list[tuple[int, object]]] = {pk: [] for pk in versions}
    for a in versions.values():
        for b in versions.values():
            if a.pk != b.pk and a.version == b.version:
                edges[a.pk].append((b.pk, ("revision", a.pk, b.pk)))
    latest: dict[tuple[int, int], NormMapping] = {}
    mappings = NormMapping.objects.filter(norm_id=start.norm_id).select_related(
        "from_version", "to_version"
    )
    for mapping in mappings.order_by("loaded_at", "pk"):
        latest[(mapping.from_version_id, mapping.to_version_id)] = mapping
    for (a, b), mapping in latest.items():
        edges[a].append((b, ("forward", mapping)))
        edges[b].append((a, ("backward", mapping)))

    previous: dict[int, tuple[int, object]] = {}
    queue = deque([start.pk])
    seen = {start.pk}
    while queue:
        node = queue.popleft()
        if node == end.pk:
            break
        for neighbour, how in edges.get(node, []):
            if neighbour not in seen:
                seen.add(neighbour)
                previous[neighbour] = (node, how)
                queue.append(neighbour)
    if end.pk not in seen:
        return None
    steps: list[ItemMap] = []
    node = end.pk
    while node != start.pk:
        node, how = previous[node]
        kind = how[0]
        if kind == "revision":
            steps.append(
                ItemMap.identity(item_codes(versions[how[1]]), item_codes(versions[how[2]]))
            )
        elif kind == "forward":
            steps.append(_resolved(how[1]))
        else:
            steps.append(_resolved(how[1]).inverse())
    steps.reverse()
    return steps


def carry_over_codes(earlier: NormVersion, later: NormVersion) -> dict[str, str] | None:
    """Later item code → the earlier item code whose answer a new round may carry over: items
    that continue one to one (``same``, also when renumbered) or as a part of a ``split`` item.
    Merged and new items get nothing (the earlier answers do not say how they stand now). None
    when no mapping links the versions. ``rounds.services.round_open`` carries over through
    this, never by code alone: across versions a code can name another item (1.0's 4.1 is
    2.0's 5.1)."""
    steps = version_path(earlier, later)
    if steps is None:
        return None
    sources = {code: code for code in item_codes(earlier)}  # current code → earlier code
    for step in steps:
        following: dict[str, str] = {}
        for link in step.links:
            if link.relation in ("same", "split") and link.sources[0] in sources:
                for target in link.targets:
                    following[target] = sources[link.sources[0]]
        sources = following
    return sources
