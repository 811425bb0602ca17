"""Neighbours and provinces from CBS boundary files (GeoJSON, WGS84). Plain functions without the
ORM, so that commands, tests and later benchmark code can share them.

The shipped files (data/geo/README.md) are generalised and rounded to 0.001 degree, so shared
borders are reduced to a few grid steps and a few polygons are slightly invalid. The adjacency
rule below is chosen for that: see ``shared_boundaries``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

DATA_DIR = Path(__file__).resolve().parent / "data" / "geo"
ATTRIBUTION = "Grenzen: © CBS / PDOK, vereenvoudigd"
# Where each shipped file comes from (data/geo/README.md has the full provenance).
SOURCES = {
    "cbs-gemeente-2021.geojson": "cartomap/nl wgs84/gemeente_2021.geojson @ 5943f3a",
    "cbs-gemeente-2025.geojson": "cartomap/nl wgs84/gemeente_2025.geojson @ 01e3b4c",
    "cbs-provincie-2021.geojson": "cartomap/nl wgs84/provincie_2021.geojson @ 5943f3a",
}

# Lengths are measured on a sinusoidal projection (x = lon·cos(lat)) around the middle of the
# Netherlands: east-west scale is exact at every latitude and the shear is < 1% within the country,
# which is ample for thresholds of tens of metres ("metric-ish", no pyproj needed).
_KM_PER_DEGREE = math.pi * 6371.0088 / 180
_CENTRAL_MERIDIAN = 5.4

# Vertices closer than this are treated as the same point: well below the 0.001° grid step
# (68 m east-west, 111 m north-south at 52°N), so it never bridges a real gap of one step, but it
# absorbs vertices that repairs of invalid rings moved off the grid.
SNAP_KM = 0.02

# A shared border must be at least this long. It lies between a point contact (length 0, a
# corner where three or four municipalities meet) and the shortest border the 0.001° grid can
# represent (one step, 68 m), so corners do not count and every real shared edge does.
DEFAULT_MIN_SHARED_KM = 0.05


class GeoDataError(ValueError):
    """A boundary file that cannot be used (not GeoJSON, missing codes, duplicate codes…)."""


@dataclass(frozen=True, slots=True)
class Feature:
    statcode: str  # GM0034, PV24
    name: str
    geometry: BaseGeometry  # valid (Multi)Polygon in WGS84 longitude/latitude


def boundary_file(kind: str, year: int) -> Path:
    """The shipped file for a kind ("gemeente", "provincie") and year; GeoDataError if absent."""
    path = DATA_DIR / f"cbs-{kind}-{year}.geojson"
    if not path.is_file():
        available = sorted(p.name for p in DATA_DIR.glob("cbs-*.geojson"))
        raise GeoDataError(f"No {kind} boundaries for {year}; available: {', '.join(available)}")
    return path


def load_features(path: str | Path) -> list[Feature]:
    """Read a CBS GeoJSON FeatureCollection; sorted by statcode, invalid geometries repaired."""
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, json.JSONDecodeError) as exc:
        raise GeoDataError(f"{path}: cannot read GeoJSON: {exc}") from exc
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise GeoDataError(f"{path}: not a GeoJSON FeatureCollection")

    features: dict[str, Feature] = {}
    for number, item in enumerate(data.get("features") or [], start=1):
        props = item.get("properties") or {}
        code, name = props.get("statcode"), props.get("statnaam")
        if not code or not name:
            raise GeoDataError(f"{path}: feature {number} lacks statcode or statnaam")
        if code in features:
            raise GeoDataError(f"{path}: statcode {code} occurs twice")
        try:
            geometry = shape(item["geometry"])
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise GeoDataError(f"{path}: feature {code} has no usable geometry") from exc
        features[code] = Feature(code, str(name).strip(), _polygonal(geometry))
    if not features:
        raise GeoDataError(f"{path}: no features")
    return [features[code] for code in sorted(features)]


def _polygonal(geometry: BaseGeometry) -> BaseGeometry:
    # Generalisation leaves a few bow-tie rings (Westervoort, Schouwen-Duiveland in 2021); the
    # "structure" repair keeps the polygons and drops collapsed lines.
    if geometry.is_valid:
        return geometry
    return shapely.make_valid(geometry, method="structure", keep_collapsed=False)


def _to_km(geometry: BaseGeometry) -> BaseGeometry:
    def project(coords: np.ndarray) -> np.ndarray:
        lat = np.radians(coords[:, 1])
        x = (coords[:, 0] - _CENTRAL_MERIDIAN) * np.cos(lat) * _KM_PER_DEGREE
        return np.column_stack([x, coords[:, 1] * _KM_PER_DEGREE])

    return shapely.transform(geometry, project)


def shared_boundaries(
    features: Sequence[Feature], *, snap_km: float = SNAP_KM
) -> dict[tuple[str, str], float]:
    """Length in km of the common border of every pair of features within ``snap_km`` of each
    other, keyed (lower code, higher code).

    The border is the intersection of the two outlines after snapping one onto the other. The
    files share vertices along common borders, so this is mostly an exact intersection; snapping
    (both ways, the longer result counts) makes it robust to the vertices that repairs moved and
    to small slivers. Point contacts measure 0. A buffer would turn each point contact into a
    segment of a few tens of metres, close to a real one-step border, so it is not used.
    """
    ordered = sorted(features, key=lambda f: f.statcode)
    outlines = [shapely.boundary(_to_km(f.geometry)) for f in ordered]
    tree = shapely.STRtree(outlines)
    left, right = tree.query(outlines, predicate="dwithin", distance=snap_km)
    lengths: dict[tuple[str, str], float] = {}
    for i, j in zip(left.tolist(), right.tolist(), strict=True):
        if i >= j:
            continue
        a, b = outlines[i], outlines[j]
        length = max(_common_length(a, b, snap_km), _common_length(b, a, snap_km))
        lengths[(ordered[i].statcode, ordered[j].statcode)] = length
    return lengths


def _common_length(a: BaseGeometry, b: BaseGeometry, snap_km: float) -> float:
    # grid_size makes the overlay noding robust; 1 m is far below anything that matters here.
    common = shapely.intersection(shapely.snap(a, b, snap_km), b, grid_size=0.001)
    return float(shapely.length(common))


def adjacency(
    features: Sequence[Feature], *, min_shared_km: float = DEFAULT_MIN_SHARED_KM
) -> dict[str, set[str]]:
    """statcode → statcodes whose common border is at least ``min_shared_km`` long.

    Symmetric, without self-neighbours, with a (possibly empty) entry for every feature, keys in
    statcode order. ``min_shared_km=0`` also counts point contacts ("queen" contiguity).
    """
    result: dict[str, set[str]] = {f.statcode: set() for f in sorted(features, key=_code)}
    for (a, b), length in shared_boundaries(features).items():
        if length >= min_shared_km:
            result[a].add(b)
            result[b].add(a)
    return result


def province_of(municipalities: Iterable[Feature], provinces: Iterable[Feature]) -> dict[str, str]:
    """Municipality statcode → statcode of the province that holds it, keys in statcode order.

    Decided by a representative point (always inside the municipality). The province file is
    generalised on its own, so for a point that falls in no province (or on a shared edge) the
    province with the largest overlap decides; GeoDataError if none overlaps at all.
    """
    provs = sorted(provinces, key=_code)
    shapes = [p.geometry for p in provs]
    tree = shapely.STRtree(shapes)
    result: dict[str, str] = {}
    for municipality in sorted(municipalities, key=_code):
        point = shapely.point_on_surface(municipality.geometry)
        hits = sorted(tree.query(point, predicate="within").tolist())
        if len(hits) == 1:
            result[municipality.statcode] = provs[hits[0]].statcode
            continue
        overlaps = sorted(
            (
                -shapely.area(shapely.intersection(municipality.geometry, shapes[k])),
                provs[k].statcode,
            )
            for k in tree.query(municipality.geometry, predicate="intersects").tolist()
        )
        if not overlaps or overlaps[0][0] >= 0:
            raise GeoDataError(f"{municipality.statcode} lies in none of the provinces")
        result[municipality.statcode] = overlaps[0][1]
    return result


def _code(feature: Feature) -> str:
    return feature.statcode
