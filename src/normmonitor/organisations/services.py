"""Changes to organisations, regions and neighbours. Each public function is one transaction."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.db.models import Q

from .models import Neighbour, Organisation, OrganisationType, Region

_SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")
_TYPES = {t.value for t in OrganisationType}


class RegionFixtureError(ValueError):
    """A region fixture that cannot be loaded; nothing was written."""


@dataclass(frozen=True, slots=True)
class _OrganisationSpec:
    code: str
    name: str
    type: str
    cbs_code: str


@dataclass(frozen=True, slots=True)
class _RegionFixture:
    key: str
    name: str
    source: str
    attribution: str
    organisations: tuple[_OrganisationSpec, ...]
    neighbours: tuple[tuple[str, str], ...]  # each pair once, (lower code, higher code)


def load_region_fixture(path: str | Path) -> Region:
    """Create or update the region, its member organisations and their mutual neighbours from a
    fixture file (see data/flevoland.yaml). Idempotent: organisations are matched by code and
    keep fields the file does not set (contacts); the region's members become exactly the file's
    organisations; neighbour links among them are replaced by the file's, in both directions.
    ``external_neighbours`` are informational and not loaded.
    """
    fixture = _parse(path)  # validates everything before anything is written
    with transaction.atomic():
        organisations = {}
        for spec in fixture.organisations:
            organisations[spec.code], _ = Organisation.objects.update_or_create(
                code=spec.code,
                defaults={"name": spec.name, "type": spec.type, "cbs_code": spec.cbs_code},
            )
        region, _ = Region.objects.update_or_create(
            key=fixture.key,
            defaults={"name": fixture.name, "geo_attribution": fixture.attribution},
        )
        region.members.set(organisations.values())
        set_neighbours(
            organisations.values(),
            [(organisations[a], organisations[b]) for a, b in fixture.neighbours],
            source=fixture.source,
        )
    return region


def set_neighbours(
    organisations: Iterable[Organisation],
    pairs: Iterable[tuple[Organisation, Organisation]],
    *,
    source: str,
) -> int:
    """Replace all neighbour links among ``organisations`` by ``pairs`` (order within a pair does
    not matter), stored in both directions with ``source``. Links to organisations outside the
    set are kept. Returns the number of rows written (twice the number of distinct pairs)."""
    members = {org.pk: org for org in organisations}
    wanted: set[tuple[int, int]] = set()
    for a, b in pairs:
        if a.pk not in members or b.pk not in members:
            raise ValueError(f"{a} – {b}: both sides must be among the organisations")
        if a.pk == b.pk:
            raise ValueError(f"{a} cannot neighbour itself")
        wanted |= {(a.pk, b.pk), (b.pk, a.pk)}
    with transaction.atomic():
        Neighbour.objects.filter(
            Q(organisation__in=members.keys()) & Q(neighbour__in=members.keys())
        ).delete()
        Neighbour.objects.bulk_create(
            Neighbour(organisation_id=a, neighbour_id=b, source=source) for a, b in sorted(wanted)
        )
    return len(wanted)


def _parse(path: str | Path) -> _RegionFixture:
    try:
        with open(path, encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
    except OSError as exc:
        raise RegionFixtureError(f"{path}: cannot read: {exc}") from exc
    except yaml.YAMLError as exc:
        raise RegionFixtureError(f"{path}: not valid YAML: {exc}") from exc

    def fail(message: str) -> RegionFixtureError:
        return RegionFixtureError(f"{path}: {message}")

    if not isinstance(data, dict):
        raise fail("expected a mapping with region, organisations and neighbours")
    region = data.get("region")
    if not isinstance(region, dict):
        raise fail("region: expected a mapping with key and name")
    key = _text(region.get("key"))
    name = _text(region.get("name"))
    if not key or not _SLUG.match(key) or len(key) > 60:
        raise fail(f"region.key: expected a slug of at most 60 characters, got {key!r}")
    if not name or len(name) > 200:
        raise fail("region.name: expected a name of at most 200 characters")
    source = _optional_text(data, "source", fail)
    attribution = _optional_text(data, "attribution", fail)

    items = data.get("organisations")
    if not isinstance(items, list) or not items:
        raise fail("organisations: expected a non-empty list")
    specs: dict[str, _OrganisationSpec] = {}
    for number, item in enumerate(items, start=1):
        spec = _organisation(item, lambda m, n=number: fail(f"organisations[{n}]: {m}"))
        if spec.code in specs:
            raise fail(f"organisations[{number}]: code {spec.code} occurs twice")
        specs[spec.code] = spec

    raw_pairs = data.get("neighbours") or []
    if not isinstance(raw_pairs, list):
        raise fail("neighbours: expected a list of [code, code] pairs")
    pairs: set[tuple[str, str]] = set()
    for number, pair in enumerate(raw_pairs, start=1):
        if not isinstance(pair, list) or len(pair) != 2 or not all(map(_text, pair)):
            raise fail(f"neighbours[{number}]: expected [code, code], got {pair!r}")
        a, b = (_text(code) for code in pair)
        unknown = [code for code in (a, b) if code not in specs]
        if unknown:
            raise fail(f"neighbours[{number}]: {', '.join(unknown)} not among the organisations")
        if a == b:
            raise fail(f"neighbours[{number}]: {a} cannot neighbour itself")
        pairs.add((min(a, b), max(a, b)))
    return _RegionFixture(
        key=key,
        name=name,
        source=source,
        attribution=attribution,
        organisations=tuple(specs.values()),
        neighbours=tuple(sorted(pairs)),
    )


def _organisation(item: Any, fail: Any) -> _OrganisationSpec:
    if not isinstance(item, dict):
        raise fail("expected a mapping with code, name and type")
    code, name, type_ = (_text(item.get(field)) for field in ("code", "name", "type"))
    cbs_code = _text(item.get("cbs_code"))
    if not code or not _SLUG.match(code) or len(code) > 40:
        raise fail(f"code: expected a slug of at most 40 characters, got {code!r}")
    if not name or len(name) > 200:
        raise fail(f"{code}: name: expected a name of at most 200 characters")
    if type_ not in _TYPES:
        raise fail(f"{code}: type: expected one of {', '.join(sorted(_TYPES))}, got {type_!r}")
    if len(cbs_code) > 10:
        raise fail(f"{code}: cbs_code: at most 10 characters")
    return _OrganisationSpec(code=code, name=name, type=type_, cbs_code=cbs_code)


def _optional_text(data: dict[str, Any], field: str, fail: Any) -> str:
    value = data.get(field)
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > 200:
        raise fail(f"{field}: expected text of at most 200 characters")
    return value.strip()


def _text(value: Any) -> str:
    # Only strings count: YAML would read an unquoted code such as 0034 as a number.
    return value.strip() if isinstance(value, str) else ""
