"""Charts and the map: one Vega-Lite spec each, SVG without script or style attributes, a text
alternative and a data table."""

import re

import pytest
from django.utils import translation

from normmonitor.organisations.models import Organisation
from normmonitor.reports import charts, content

from .conftest import ALMERE

pytestmark = pytest.mark.django_db


@pytest.fixture
def region_charts(scored_round, earlier_round):
    with translation.override("nl"):
        return {
            chart.key: chart for chart in charts.region_charts(content.region_report(scored_round))
        }


def test_every_chart_is_a_clean_svg_with_text_alternative_and_table(scored_round, region_charts):
    with translation.override("nl"):
        organisation = content.organisation_report(
            scored_round, Organisation.objects.get(code=ALMERE)
        )
        all_charts = [*region_charts.values(), *charts.organisation_charts(organisation)]
        for chart in all_charts:
            svg = chart.svg()
            assert svg.startswith("<svg")
            assert " style=" not in svg and "<script" not in svg.lower()
            assert len(chart.description) > 40, chart.key
            assert chart.table.columns and chart.table.rows, chart.key
            assert all(len(row) == len(chart.table.columns) for row in chart.table.rows)
    assert set(region_charts) == {"organisations", "themes", "trend", "heatmap", "map", "exposure"}


def test_the_map_shows_the_six_municipalities_with_attribution(region_charts):
    chart = region_charts["map"]
    assert chart.note == "Grenzen: © CBS / PDOK, vereenvoudigd"
    names = [row[0] for row in chart.table.rows]
    assert sorted(names) == ["Almere", "Dronten", "Lelystad", "Noordoostpolder", "Urk", "Zeewolde"]
    layer = chart.spec["layer"][0]
    assert {f["properties"]["name"] for f in layer["data"]["values"]} == set(names)
    assert "Provincie Flevoland" in chart.description  # not a municipality: said in words
    with translation.override("nl"):
        svg = chart.svg()
    assert "Grenzen: © CBS / PDOK, vereenvoudigd" in svg
    assert svg.count("<path") >= 6
    for name in names:
        assert name in svg


def test_heatmap_carries_symbols_not_only_colour(region_charts):
    chart = region_charts["heatmap"]
    assert chart.wide
    almere = next(row for row in chart.table.rows if row[0] == "Almere")
    assert "½" in almere and "✗" in almere
    assert "1 partly achieved" in chart.description or "gedeeltelijk" in chart.description


def test_trend_marks_the_target_date(region_charts):
    spec = region_charts["trend"].spec
    assert any(
        layer.get("mark", {}).get("type") == "rule"
        and layer["data"]["values"][0]["date"] == "2022-06-30"
        for layer in spec["layer"]
    )


def test_clean_svg_removes_script_and_style_attributes():
    dirty = '<svg><script>alert(1)</script><rect style="fill:red" width="1"/></svg>'
    assert charts.clean_svg(dirty) == '<svg><rect width="1"/></svg>'


def test_boundary_year_picks_the_newest_file_not_after_the_round():
    from datetime import date

    assert charts.boundary_year(date(2023, 4, 1)) == 2021
    assert charts.boundary_year(date(2026, 1, 1)) == 2025
    assert charts.boundary_year(date(2019, 1, 1)) == 2021


def test_rendering_never_fetches_anything(monkeypatch):
    spec = {"data": {"url": "http://127.0.0.1:9/data.json"}, "mark": "bar"}
    with pytest.raises(Exception, match=re.compile("allowed|access|denied|url", re.IGNORECASE)):
        charts.render_svg(spec)


def test_the_exposure_map_colours_by_waterbed_level(region_charts):
    chart = region_charts["exposure"]
    assert chart.note == "Grenzen: © CBS / PDOK, vereenvoudigd"
    assert len(chart.table.rows) == 6
    assert "Urk" in chart.description
