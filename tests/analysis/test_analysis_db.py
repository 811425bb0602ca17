"""The analysis on stored rounds: waterbed, comparison, versions, trends, pace and access."""

import json
from datetime import date
from fractions import Fraction
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from normmonitor.access.models import Role
from normmonitor.analysis import selectors
from normmonitor.assessments.models import Answer
from normmonitor.assessments.services import answer_update
from normmonitor.audit.models import AuditEvent
from normmonitor.norms.mapping import FLEVOLANDSE_MAPPING_PATH, FLEVOLANDSE_NORM_2_PATH
from normmonitor.norms.models import ScaleLevel
from normmonitor.norms.selectors import get_norm_version
from normmonitor.norms.services import load_mapping_file, load_norm_file
from normmonitor.organisations.models import Organisation
from normmonitor.rounds import services as round_services
from tests.conftest import ALMERE, URK

pytestmark = pytest.mark.django_db
NOP = "GM0171"


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


# -- waterbed ------------------------------------------------------------------------------


def test_urk_without_a_branch_its_neighbour_has_is_the_weak_spot(open_round, rate):
    rate(open_round, changes={"GM0184:3.5.D": "niet-behaald"})
    waterbed = selectors.round_waterbed(open_round)
    [spot] = waterbed.weak_spots
    assert (spot.organisation.code, spot.requirement.code) == (URK, "3.5.D")
    assert [o.code for o in spot.holders] == [NOP]
    assert spot.region_share == 1
    assert spot.ambition.code == "3.5"
    exposure = selectors.exposure_by_organisation(open_round, waterbed)
    assert exposure[URK].exposure == 1 and exposure[URK].band == 3
    assert {code for code, e in exposure.items() if e.exposure} == {URK}
    assert exposure["PV24"].has_neighbours is False
    report = selectors.waterbed_report_content(open_round)
    assert report["weak_spot_count"] == 1
    assert "Urk" in report["summary"] and "Noordoostpolder" in report["summary"]
    assert report["exposure"][0]["code"] == URK


def test_waterbed_command_prints_json(open_round, rate):
    rate(open_round, changes={"GM0184:3.5.D": "niet-behaald"})
    data = json.loads(run("waterbed", "--round", open_round.key, "--json"))
    assert data["weak_spots"][0]["organisation"] == URK
    assert data["weak_spots"][0]["holders"] == [NOP]
    assert data["by_ambition"] == {"3.5": [URK]}
    assert len(data["organisations"]) == 7
    assert data["organisations"][URK]["gaps"][0]["item"] == "3.5.D"
    assert "Urk" in run("waterbed", "--round", open_round.key)


def test_a_gap_open_since_an_earlier_round_says_so(second_round, rate):
    rate(second_round, changes={"GM0184:3.5.D": "niet-behaald"})
    [spot] = selectors.round_waterbed(second_round).weak_spots
    assert spot.rounds == 2
    assert spot.since.key == "flevoland-test"


def test_waterbed_pages_are_for_the_region(client, users, open_round, rate):
    rate(open_round, changes={"GM0184:3.5.D": "niet-behaald"})
    url = reverse("analysis:waterbed", args=[open_round.key])
    client.force_login(users["almere"])
    assert client.get(url).status_code == 403
    assert client.get(reverse("analysis:region_trends", args=["flevoland"])).status_code == 403
    client.force_login(users["coordinator"])
    page = client.get(url)
    assert page.status_code == 200
    assert "Urk" in page.content.decode()
    data = client.get(url + "?format=json").json()
    assert data["weak_spots"][0]["organisation"] == URK
    dashboard = client.get(reverse("dashboard:round", args=[open_round.key])).content.decode()
    assert url in dashboard  # the dashboard links the analysis and lists the weak spot
    assert "Noordoostpolder" in dashboard[dashboard.index('id="waterbed-heading"') :]


def test_coordinator_sets_theme_weights(client, users, open_round, rate):
    rate(open_round, changes={"GM0184:3.5.D": "niet-behaald"})
    url = reverse("analysis:waterbed_settings", args=[open_round.key])
    form = {"majority": "0.5", "theme_1": "1", "theme_2": "1", "theme_3": "2", "theme_4": "0"}
    client.force_login(users["almere"])
    assert client.post(url, form).status_code == 403
    client.force_login(users["coordinator"])
    assert client.post(url, form).status_code == 302
    assert AuditEvent.objects.filter(name="analysis.config_updated").count() == 1
    exposure = selectors.exposure_by_organisation(open_round)
    assert exposure[URK].exposure == 2  # theme 3 weighs 2


# -- comparison ----------------------------------------------------------------------------


def _save(user, monitoring_round, organisation, item, level):
    answer = Answer.objects.get(
        assessment__round=monitoring_round,
        assessment__organisation__code=organisation,
        requirement__code=item,
    )
    return answer_update(
        actor=user,
        answer=answer,
        level=ScaleLevel.objects.get(norm_version=monitoring_round.norm_version, code=level),
        explanation="Getest.",
        planned_date=None,
        owner="",
        expected_version=answer.version,
    )


def test_comparison_lists_exactly_what_changed_and_who_changed_it(second_round, users, make_user):
    urk_editor = make_user("urk", Role.EDITOR, URK)
    _save(users["almere"], second_round, ALMERE, "1.1", "niet-behaald")
    _save(urk_editor, second_round, URK, "3.5.D", "behaald")
    _save(users["almere"], second_round, ALMERE, "2.1", "behaald")  # confirmed, not changed
    earlier = second_round.previous
    comparison = selectors.compare_rounds(earlier, second_round)
    changed = {(r.organisation.code, r.change.item, r.change.change) for r in comparison.changed}
    assert changed == {
        (ALMERE, "1.1", "worsened"),
        (URK, "3.5.D", "improved"),
        (URK, "3.5", "improved"),  # derived from its branches
    }
    who = {(r.organisation.code, r.change.item): r.changed_by for r in comparison.changed}
    assert who[(ALMERE, "1.1")] == "almere"
    assert who[(URK, "3.5.D")] == "urk"
    assert who[(URK, "3.5")] == ""
    assert comparison.summary["improved"] == 2 and comparison.summary["worsened"] == 1
    assert comparison.unchanged == len(comparison.rows) - 3
    data = json.loads(run("compare", "--from", earlier.key, "--to", second_round.key, "--json"))
    assert {(c["organisation"], c["item"], c["change"]) for c in data["changes"]} == changed
    only_almere = selectors.compare_rounds(earlier, second_round, {ALMERE})
    assert {r.change.item for r in only_almere.changed} == {"1.1"}


def test_comparison_page_and_its_permissions(client, users, second_round):
    _save(users["almere"], second_round, ALMERE, "1.1", "niet-behaald")
    url = reverse("analysis:compare")
    query = {"earlier": second_round.previous.key, "later": second_round.key}
    client.force_login(users["almere"])
    assert client.get(url, query).status_code == 403  # across organisations: the region's
    own = client.get(url, {**query, "organisation": ALMERE})
    assert own.status_code == 200
    assert own.context["comparison"].summary["worsened"] == 1
    other = client.get(url, {**query, "organisation": URK})
    assert other.status_code == 200 and other.context["comparison"] is None  # not a choice
    client.force_login(users["coordinator"])
    page = client.get(url, query)
    assert page.status_code == 200
    assert "Almere" in page.content.decode()


# -- norm versions ---------------------------------------------------------------------------


@pytest.fixture
def norm2_round(second_round, region, rate):
    """Norm 2.0 and its mapping loaded, the partners of 2.0 left out, a 2.0 round opened."""
    norm2 = load_norm_file(FLEVOLANDSE_NORM_2_PATH).norm_version
    load_mapping_file(FLEVOLANDSE_MAPPING_PATH)
    monitoring_round = round_services.round_create(
        actor=None,
        key="flevoland-norm-2",
        name="Flevoland Norm 2.0",
        region=region,
        norm_version=norm2,
        reference_date=date(2025, 10, 1),
        deadline=date(2025, 11, 14),
    )
    round_services.round_open(actor=None, monitoring_round=monitoring_round)
    rate(second_round, changes={"GM0184:3.5.D": "niet-behaald", "GM0034:3.9": "niet-behaald"})
    rate(monitoring_round)
    return monitoring_round


def test_an_open_round_keeps_its_version_when_a_new_one_loads(open_round, users):
    first = open_round.norm_version
    load_norm_file(FLEVOLANDSE_NORM_2_PATH)
    open_round.refresh_from_db()
    assert open_round.norm_version == first
    assert get_norm_version("flevolandse-norm").version == "2.0"
    _save(users["almere"], open_round, ALMERE, "1.1", "behaald")  # still filled in on 1.0


def test_comparison_across_versions_goes_through_the_mapping(second_round, norm2_round):
    comparison = selectors.compare_rounds(second_round, norm2_round, {ALMERE, URK})
    assert comparison.crosses_versions
    rows = {(r.organisation.code, r.change.item): r for r in comparison.rows}
    assert rows[(ALMERE, "4.3")].change.change == "improved"  # 3.9 became 4.3
    assert rows[(ALMERE, "4.3")].change.sources == ("3.9",)
    assert rows[(URK, "3.5.D")].change.change == "improved"
    assert rows[(ALMERE, "1.5")].change.change == "new"
    assert rows[(ALMERE, "2.2")].change.relation == "dropped"
    assert rows[(ALMERE, "2.2")].change.change == "no_longer_applicable"
    assert rows[(ALMERE, "5.1")].change.relation == "merged"
    assert rows[(ALMERE, "4.1")].change.relation == "split"
    changed = {(o, i) for (o, i), r in rows.items() if r.change.changed}
    assert changed == {
        (ALMERE, "4.3"),
        (URK, "3.5.D"),
        (URK, "3.5"),
        (ALMERE, "2.2"),
        (URK, "2.2"),
        *((o, i) for o in (ALMERE, URK) for i in ("1.5", "2.3", "4.5")),
    }


def test_no_mapping_no_comparison(second_round, region):
    norm2 = load_norm_file(FLEVOLANDSE_NORM_2_PATH).norm_version
    other = round_services.round_create(
        actor=None,
        key="flevoland-unmapped",
        name="Unmapped",
        region=region,
        norm_version=norm2,
        reference_date=date(2025, 10, 1),
        deadline=date(2025, 11, 14),
    )
    round_services.round_open(actor=None, monitoring_round=other)
    with pytest.raises(selectors.NotComparable):
        selectors.compare_rounds(second_round, other)


def test_trend_runs_on_across_versions(second_round, norm2_round):
    urk = Organisation.objects.get(code=URK)
    rounds = [second_round.previous, second_round, norm2_round]
    trend = selectors.organisation_trend(urk, rounds)
    assert trend.target == norm2_round.norm_version
    assert [p.round for p in trend.points] == rounds
    assert all(p.linked for p in trend.points)
    assert trend.breaks() == [2]
    # Handhaving is theme 4 of Norm 2.0; the 1.0 rounds reach it through 3.8-3.10.
    series = trend.theme_series("4")
    assert None not in series
    assert series[-1] == 1
    assert [p.total.percentage for p in trend.points] == [Fraction(21, 22)] * 2 + [1]
    ambitions = dict((a.code, outcomes) for a, outcomes in trend.ambition_rows())
    assert ambitions["1.5"][0] is None and ambitions["1.5"][-1].status == "achieved"
    region_trend = selectors.region_trend(second_round.region, rounds)
    assert [p.linked for p in region_trend.points] == [True, True, True]
    assert None not in region_trend.theme_series("5")
    per_ambition = {a.code: tallies for a, tallies in region_trend.ambition_tally_rows()}
    assert [(t.achieved, t.applicable) for t in per_ambition["4.3"]] == [(6, 6), (5, 6), (6, 6)]
    assert per_ambition["1.5"][:2] == [None, None]  # new in 2.0: no history


def test_trend_pages(client, users, second_round, norm2_round):
    client.force_login(users["almere"])
    own = client.get(reverse("analysis:organisation_trends", args=[ALMERE]))
    assert own.status_code == 200
    assert '<svg class="chart"' in own.content.decode()
    assert client.get(reverse("analysis:organisation_trends", args=[URK])).status_code == 403
    page = client.get(reverse("organisations:detail", args=[ALMERE])).content.decode()
    assert reverse("analysis:organisation_trends", args=[ALMERE]) in page
    client.force_login(users["coordinator"])
    region = client.get(reverse("analysis:region_trends", args=["flevoland"]))
    assert region.status_code == 200
    assert "chart__break" in region.content.decode()  # the change of norm version
    index = client.get(reverse("analysis:index")).content.decode()
    assert reverse("analysis:waterbed", args=[norm2_round.key]) in index


# -- pace ------------------------------------------------------------------------------------


def test_overdue_plans_and_periodic_duties(client, users, open_round, rate):
    rate(open_round)
    Answer.objects.filter(
        assessment__round=open_round, assessment__organisation__code=ALMERE, requirement__code="1.1"
    ).update(level=None, planned_date=date(2022, 9, 1))
    Answer.objects.filter(
        assessment__round=open_round, assessment__organisation__code=URK, requirement__code="3.3"
    ).update(last_done_on=date(2021, 9, 1))
    with time_machine.travel(date(2022, 8, 15)):
        pace = selectors.round_pace(open_round)
        assert pace.reference == date(2022, 8, 15)
        assert pace.behind == []
    with time_machine.travel(date(2022, 10, 15)):
        pace = selectors.round_pace(open_round)
        behind = {o.code: p for o, p in pace.behind}
        assert list(behind) == [ALMERE]
        assert [i.item for i in behind[ALMERE].planned_overdue] == ["1.1"]
        urk = dict((o.code, p) for o, p in pace.organisations)[URK]
        assert [i.item for i in urk.recurrence_overdue] == ["3.3"]  # achieved, yet overdue
        client.force_login(users["coordinator"])
        page = client.get(reverse("analysis:pace", args=[open_round.key])).content.decode()
        assert "Almere" in page
        dashboard = client.get(reverse("dashboard:round", args=[open_round.key]))
        assert reverse("analysis:pace", args=[open_round.key]) in dashboard.content.decode()
    round_services.round_close(actor=None, monitoring_round=open_round)
    with time_machine.travel(date(2030, 1, 1)):
        # A closed round is judged on its reference date, not on today.
        assert selectors.round_pace(open_round).reference == open_round.reference_date
