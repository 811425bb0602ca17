"""Round snapshots: the canonical JSON of a closed round and its checksum.

A snapshot holds everything the round's figures depend on — the norm's scoring model (items,
applicability, scale), every organisation's type and every effective rating — plus the figures
themselves and the answers' texts. ``assessments.selectors.round_score`` scores a closed round
from its snapshot, so nothing edited later (norm texts, organisations, memberships, a stray
database change) moves a closed round's figures."""

from __future__ import annotations

import hashlib
import json
from fractions import Fraction
from typing import Any

from normmonitor.scoring import Item, Level, NormModel

FORMAT = "normmonitor/round-snapshot@1"


def canonical_bytes(data: Any) -> bytes:
    """The one byte representation of the data that the checksum is taken over."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def checksum(data: Any) -> str:
    return hashlib.sha256(canonical_bytes(data)).hexdigest()


def model_as_data(model: NormModel) -> dict[str, Any]:
    return {
        "items": [
            {
                "code": item.code,
                "theme": item.theme,
                "parent": item.parent,
                "derived": item.derived,
                "applies_to": sorted(item.applies_to),
            }
            for item in model.items
        ],
        "scale": [
            {
                "code": level.code,
                "achieved": level.achieved,
                "weight": None if level.weight is None else str(level.weight),
                "not_applicable": level.not_applicable,
            }
            for level in model.scale
        ],
        "themes": list(model.themes),
    }


def model_from_data(data: dict[str, Any]) -> NormModel:
    return NormModel(
        items=tuple(
            Item(
                code=item["code"],
                theme=item["theme"],
                parent=item["parent"],
                derived=item["derived"],
                applies_to=frozenset(item["applies_to"]),
            )
            for item in data["items"]
        ),
        scale=tuple(
            Level(
                code=level["code"],
                achieved=level["achieved"],
                weight=None if level["weight"] is None else Fraction(level["weight"]),
                not_applicable=level["not_applicable"],
            )
            for level in data["scale"]
        ),
        themes=tuple(data["themes"]),
    )


def ratings_from_data(
    data: dict[str, Any], organisation_ids: set[int] | None = None
) -> dict[str, tuple[str, dict[str, str | None]]]:
    """Organisation code → (type, {requirement → level that counts}), as round_ratings gives."""
    organisations = {
        entry["code"]: entry
        for entry in data["organisations"]
        if organisation_ids is None or entry["id"] in organisation_ids
    }
    result: dict[str, tuple[str, dict[str, str | None]]] = {
        code: (entry["type"], {}) for code, entry in organisations.items()
    }
    for answer in data["answers"]:
        if answer["organisation"] in result:
            result[answer["organisation"]][1][answer["requirement"]] = answer["counts_as"]
    return {code: value for code, value in result.items() if value[1]}
