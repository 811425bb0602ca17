import json
import time

import pytest
from shapely.geometry import Polygon, box

from normmonitor.organisations import geo

FLEVOLAND = {
    "GM0034": "Almere",
    "GM0995": "Lelystad",
    "GM0303": "Dronten",
    "GM0171": "Noordoostpolder",
    "GM0184": "Urk",
    "GM0050": "Zeewolde",
}


def test_flevoland_municipalities_present(municipalities_2021):
    names = {f.statcode: f.name for f in municipalities_2021}
    assert len(names) == 352
    assert {code: names[code] for code in FLEVOLAND} == FLEVOLAND


def test_features_sorted_and_valid(municipalities_2021):
    codes = [f.statcode for f in municipalities_2021]
    assert codes == sorted(codes)
    # Westervoort and Schouwen-Duiveland are bow-ties in the file; loading repairs them.
    assert all(
        f.geometry.is_valid and f.geometry.geom_type.endswith("Polygon")
        for f in municipalities_2021
    )


def test_urk_neighbours_noordoostpolder(adjacency_2021):
    assert "GM0171" in adjacency_2021["GM0184"]


def test_adjacency_symmetric_without_self(adjacency_2021, municipalities_2021):
    assert set(adjacency_2021) == {f.statcode for f in municipalities_2021}
    for code, neighbours in adjacency_2021.items():
        assert code not in neighbours
        for other in neighbours:
            assert code in adjacency_2021[other]


def test_flevoland_internal_pairs(adjacency_2021):
    pairs = {tuple(sorted((a, b))) for a in FLEVOLAND for b in adjacency_2021[a] if b in FLEVOLAND}
    assert pairs == {
        ("GM0034", "GM0050"),
        ("GM0034", "GM0995"),
        ("GM0050", "GM0303"),
        ("GM0050", "GM0995"),
        ("GM0171", "GM0184"),
        ("GM0171", "GM0303"),
        ("GM0303", "GM0995"),
    }


def test_point_contact_is_not_a_border(municipalities_2021, adjacency_2021):
    # Dronten and Elburg touch in one vertex only; queen contiguity (0 km) would count it.
    assert geo.shared_boundaries(municipalities_2021)[("GM0230", "GM0303")] == 0
    assert "GM0230" not in adjacency_2021["GM0303"]
    assert "GM0230" in geo.adjacency(municipalities_2021, min_shared_km=0)["GM0303"]


def test_adjacency_does_not_depend_on_input_order(municipalities_2021, adjacency_2021):
    result = geo.adjacency(list(reversed(municipalities_2021)))
    assert result == adjacency_2021
    assert list(result) == sorted(result)


def test_every_municipality_in_exactly_one_province(municipalities_2021, provinces_2021):
    membership = geo.province_of(municipalities_2021, provinces_2021)
    assert set(membership) == {f.statcode for f in municipalities_2021}
    assert set(membership.values()) == {p.statcode for p in provinces_2021}
    assert {m for m, p in membership.items() if p == "PV24"} == set(FLEVOLAND)


def test_2025_all_municipalities_within_seconds(provinces_2021):
    start = time.perf_counter()
    municipalities = geo.load_features(geo.boundary_file("gemeente", 2025))
    adjacency = geo.adjacency(municipalities)
    membership = geo.province_of(municipalities, provinces_2021)
    assert time.perf_counter() - start < 5
    assert len(adjacency) == len(membership) == 342
    assert adjacency["GM0184"] == {"GM0171"}


@pytest.mark.parametrize(
    ("second", "expected"),
    [
        (box(5.01, 52.0, 5.02, 52.01), True),  # shares a 1.1 km edge
        (box(5.01, 52.01, 5.02, 52.02), False),  # corner only
        (box(5.01005, 52.0, 5.02, 52.01), True),  # 3 m gap: absorbed by snapping
        (box(5.0105, 52.0, 5.02, 52.01), False),  # 34 m gap: separate
        (box(5.01, 52.0097, 5.02, 52.02), False),  # 0.0003° = 33 m of common edge
        (box(5.01, 52.009, 5.02, 52.02), True),  # one grid step = 111 m of common edge
        (Polygon([(5.01, 52.0), (5.02, 52.005), (5.01, 52.01)]), True),  # shared vertices
    ],
)
def test_adjacency_rule_on_synthetic_shapes(second, expected):
    features = [
        geo.Feature("A", "a", box(5.0, 52.0, 5.01, 52.01)),
        geo.Feature("B", "b", second),
    ]
    expected_map = {"A": {"B"}, "B": {"A"}} if expected else {"A": set(), "B": set()}
    assert geo.adjacency(features) == expected_map


def test_load_features_rejects_bad_files(tmp_path):
    bad = tmp_path / "bad.geojson"
    bad.write_text("{", encoding="utf-8")
    with pytest.raises(geo.GeoDataError, match="cannot read"):
        geo.load_features(bad)
    feature = {
        "type": "Feature",
        "properties": {"statcode": "GM1", "statnaam": "X"},
        "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]},
    }
    bad.write_text(json.dumps({"type": "FeatureCollection", "features": [feature, feature]}))
    with pytest.raises(geo.GeoDataError, match="twice"):
        geo.load_features(bad)
    with pytest.raises(geo.GeoDataError, match="available"):
        geo.boundary_file("gemeente", 1999)
