"""The issue's acceptance, tried on the demo as a new user would."""

import json
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from normmonitor.analysis.selectors import (
    compare_rounds,
    exposure_by_organisation,
    organisation_trend,
    waterbed_report_content,
)
from normmonitor.organisations.models import Organisation
from normmonitor.resiliencescan.models import Scan
from normmonitor.resiliencescan.selectors import scan_report
from normmonitor.rounds.models import MonitoringRound

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo():
    run("demo", "--no-serve")


def test_the_demo_shows_the_waterbed_weak_spot_everywhere(demo, client):
    data = json.loads(run("waterbed", "--round", "flevoland-2025-najaar", "--json"))
    top = data["weak_spots"][0]
    assert (top["organisation"], top["item"], top["holders"]) == ("GM0184", "3.5.D", ["GM0171"])
    assert top["since_round"] == "flevoland-2021-najaar" and top["rounds"] == 4
    monitoring_round = MonitoringRound.objects.get(key="flevoland-2025-najaar")
    assert exposure_by_organisation(monitoring_round)["GM0184"].band == 3  # for the map
    assert "Urk" in waterbed_report_content(monitoring_round)["summary"]  # for the report
    client.login(username="coordinator", password="demo-Flevoland-2022")
    for key in ("flevoland-2023-voorjaar", "flevoland-2025-najaar"):
        page = client.get(reverse("dashboard:round", args=[key])).content.decode()
        panel = page[page.index('id="waterbed-heading"') :]
        assert "Urk" in panel and "3.5 D" in panel and "Noordoostpolder" in panel


def test_the_trend_line_runs_on_into_norm_2(demo, client):
    urk = Organisation.objects.get(code="GM0184")
    trend = organisation_trend(urk, MonitoringRound.objects.all())
    assert len(trend.points) == 4 and trend.crosses_versions
    assert all(point.linked for point in trend.points)
    for theme in trend.themes:
        assert None not in trend.theme_series(theme.code)
    client.login(username="urk", password="demo-Flevoland-2022")
    page = client.get(reverse("analysis:organisation_trends", args=["GM0184"]))
    assert page.status_code == 200 and "chart__break" in page.content.decode()


def test_comparison_and_reminders_and_the_scan_report(demo):
    earlier = MonitoringRound.objects.get(key="flevoland-2022-najaar")
    later = MonitoringRound.objects.get(key="flevoland-2023-voorjaar")
    comparison = compare_rounds(earlier, later)
    assert comparison.changed and all(row.change.changed for row in comparison.changed)
    mail.outbox.clear()
    output = run("remind", "--date", "2026-11-25")
    assert len(mail.outbox) >= 2
    assert {m.to[0] for m in mail.outbox} >= {
        "urk@demo.normmonitor.invalid",
        "lelystad@demo.normmonitor.invalid",
    }
    assert "reminder(s) sent" in output
    assert "0 reminder(s) sent" in run("remind", "--date", "2026-11-25")
    scan = Scan.objects.get(organisation__code="PV24")
    assert scan.baseline and scan_report(scan).report.recommendations
