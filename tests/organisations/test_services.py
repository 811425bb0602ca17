from pathlib import Path

import pytest

import normmonitor.organisations
from normmonitor.organisations.models import Neighbour, Organisation, Region
from normmonitor.organisations.selectors import neighbour_map, neighbours_of
from normmonitor.organisations.services import (
    RegionFixtureError,
    load_region_fixture,
    set_neighbours,
)

SHIPPED = Path(normmonitor.organisations.__file__).parent / "data" / "flevoland.yaml"
PAIRS = {
    ("GM0034", "GM0050"),
    ("GM0034", "GM0995"),
    ("GM0050", "GM0303"),
    ("GM0050", "GM0995"),
    ("GM0171", "GM0184"),
    ("GM0171", "GM0303"),
    ("GM0303", "GM0995"),
}

GOOD = """\
region: {key: test, name: Test}
source: hand-made
organisations:
  - {code: A1, name: Alpha, type: gemeente, cbs_code: GM0001}
  - {code: B2, name: Beta, type: gemeente}
  - {code: C3, name: Gamma, type: provincie}
neighbours:
  - [A1, B2]
"""


def _links() -> set[tuple[str, str]]:
    return set(Neighbour.objects.values_list("organisation__code", "neighbour__code"))


@pytest.mark.django_db
def test_load_shipped_fixture():
    region = load_region_fixture(SHIPPED)
    assert (region.key, region.name) == ("flevoland", "District Flevoland")
    assert region.geo_attribution == "Grenzen: © CBS / PDOK, vereenvoudigd"
    assert set(region.members.values_list("code", flat=True)) == {
        "PV24",
        "GM0034",
        "GM0050",
        "GM0171",
        "GM0184",
        "GM0303",
        "GM0995",
    }
    assert Organisation.objects.get(code="PV24").type == "provincie"
    assert Organisation.objects.get(code="GM0184").cbs_code == "GM0184"
    assert _links() == PAIRS | {(b, a) for a, b in PAIRS}
    assert all(
        "CBS municipal boundaries 2021" in s
        for s in Neighbour.objects.values_list("source", flat=True)
    )


@pytest.mark.django_db
def test_load_is_idempotent_and_keeps_contacts():
    load_region_fixture(SHIPPED)
    Organisation.objects.filter(code="GM0184").update(contact_name="R. Visser")
    before = (
        sorted(Organisation.objects.values_list("pk", "code")),
        Neighbour.objects.count(),
    )
    region = load_region_fixture(SHIPPED)
    after = (sorted(Organisation.objects.values_list("pk", "code")), Neighbour.objects.count())
    assert before == after == (before[0], 14)
    assert Region.objects.count() == 1 and region.members.count() == 7
    assert Organisation.objects.get(code="GM0184").contact_name == "R. Visser"


@pytest.mark.django_db
def test_reload_replaces_internal_links_only(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text(GOOD, encoding="utf-8")
    region = load_region_fixture(path)
    outsider = Organisation.objects.create(code="X9", name="Outside", type="gemeente")
    a1 = Organisation.objects.get(code="A1")
    Neighbour.objects.create(organisation=a1, neighbour=outsider)
    Neighbour.objects.create(organisation=outsider, neighbour=a1)

    path.write_text(GOOD.replace("[A1, B2]", "[C3, B2]"), encoding="utf-8")
    load_region_fixture(path)
    assert _links() == {("B2", "C3"), ("C3", "B2"), ("A1", "X9"), ("X9", "A1")}
    assert neighbour_map(region) == {"A1": set(), "B2": {"C3"}, "C3": {"B2"}}


@pytest.mark.django_db
def test_selectors(django_assert_num_queries):
    region = load_region_fixture(SHIPPED)
    urk = Organisation.objects.get(code="GM0184")
    assert list(neighbours_of(urk).values_list("name", flat=True)) == ["Noordoostpolder"]
    assert [o.name for o in neighbours_of(Organisation.objects.get(code="GM0303"))] == [
        "Lelystad",
        "Noordoostpolder",
        "Zeewolde",
    ]
    with django_assert_num_queries(1):
        result = neighbour_map(region)
    expected = {code: set() for code in region.members.values_list("code", flat=True)}
    for a, b in PAIRS:
        expected[a].add(b)
        expected[b].add(a)
    assert result == expected
    assert result["PV24"] == set()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("region: [", "not valid YAML"),
        ("- just a list", "expected a mapping"),
        (GOOD.replace("key: test", "key: 'no spaces allowed'"), "region.key"),
        (GOOD.replace("type: provincie", "type: koninkrijk"), r"organisations\[3\]: C3: type"),
        (GOOD.replace("code: B2", "code: A1"), "code A1 occurs twice"),
        (GOOD.replace("[A1, B2]", "[A1, Z9]"), "Z9 not among the organisations"),
        (GOOD.replace("[A1, B2]", "[A1, A1]"), "cannot neighbour itself"),
        (GOOD.replace("[A1, B2]", "[A1]"), r"neighbours\[1\]: expected \[code, code\]"),
        (GOOD.replace("code: A1", "code: 1"), r"organisations\[1\]: code"),
    ],
)
def test_bad_fixture_writes_nothing(tmp_path, text, message):
    load_region_fixture(SHIPPED)
    before = (
        list(Organisation.objects.values_list("code", "name", "type")),
        list(Region.objects.values_list("key", "name")),
        sorted(_links()),
    )
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RegionFixtureError, match=message) as info:
        load_region_fixture(path)
    assert isinstance(info.value, ValueError)
    assert str(path) in str(info.value)
    after = (
        list(Organisation.objects.values_list("code", "name", "type")),
        list(Region.objects.values_list("key", "name")),
        sorted(_links()),
    )
    assert after == before


@pytest.mark.django_db
def test_missing_file():
    with pytest.raises(RegionFixtureError, match="cannot read"):
        load_region_fixture("/nonexistent/region.yaml")
    assert not Organisation.objects.exists()


@pytest.mark.django_db
def test_set_neighbours_checks_pairs():
    a, b, c = (Organisation.objects.create(code=code, name=code, type="gemeente") for code in "abc")
    assert set_neighbours([a, b], [(b, a), (a, b)], source="test") == 2
    with pytest.raises(ValueError, match="among the organisations"):
        set_neighbours([a, b], [(a, c)], source="test")
    with pytest.raises(ValueError, match="itself"):
        set_neighbours([a, b], [(a, a)], source="test")
    assert _links() == {("a", "b"), ("b", "a")}
