import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

import normmonitor.organisations

SHIPPED = Path(normmonitor.organisations.__file__).parent / "data" / "flevoland.yaml"


def test_shipped_fixture_is_current(tmp_path):
    # The fixture is generated; this fails when the data or the rule changes without it.
    output = tmp_path / "flevoland.yaml"
    call_command(
        "geo",
        "region-fixture",
        "--province",
        "PV24",
        "--key",
        "flevoland",
        "--name",
        "District Flevoland",
        "-o",
        str(output),
        stderr=StringIO(),
    )
    assert output.read_text(encoding="utf-8") == SHIPPED.read_text(encoding="utf-8")


def test_neighbours_json():
    out = StringIO()
    call_command("geo", "neighbours", "--province", "PV24", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["attribution"] == "Grenzen: © CBS / PDOK, vereenvoudigd"
    assert sorted(data["neighbours"]) == [
        "GM0034",
        "GM0050",
        "GM0171",
        "GM0184",
        "GM0303",
        "GM0995",
    ]
    assert list(data["neighbours"]["GM0184"]) == ["GM0171"]
    assert data["names"]["GM0166"] == "Kampen"  # an outside neighbour of Dronten


def test_neighbours_text():
    out = StringIO()
    call_command("geo", "neighbours", "--province", "PV24", stdout=out)
    assert "GM0184 Urk: GM0171 Noordoostpolder" in out.getvalue()
    assert "GM0388 Enkhuizen (0.11 km) [outside]" in out.getvalue()


def test_unknown_province_or_year():
    with pytest.raises(CommandError, match="Unknown province PV99"):
        call_command("geo", "neighbours", "--province", "PV99", stdout=StringIO())
    with pytest.raises(CommandError, match="No gemeente boundaries for 1999"):
        call_command("geo", "neighbours", "--year", "1999", stdout=StringIO())
