import json

import pytest
from django.core.management import call_command

from normmonitor.assessments.models import Answer
from normmonitor.audit.models import AuditEvent
from normmonitor.rounds.models import MonitoringRound

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_demo_loads_three_rounds_and_autumn_2022_is_83_percent():
    run("demo", "--no-serve")
    rounds = {r.key: r.state for r in MonitoringRound.objects.all()}
    assert rounds == {
        "flevoland-2021-najaar": "closed",
        "flevoland-2022-najaar": "closed",
        "flevoland-2023-voorjaar": "open",
        "flevoland-2025-najaar": "closed",  # on the illustrative Norm 2.0 (issue #5)
    }
    scores = json.loads(run("score", "--round", "flevoland-2022-najaar", "--json"))
    assert scores["total"]["achieved"] == 119
    assert scores["total"]["applicable"] == 143
    assert scores["total"]["percentage_rounded"] == "83%"
    assert len(scores["organisations"]) == 7


def test_demo_is_idempotent():
    run("demo", "--no-serve")
    answers = list(Answer.objects.order_by("pk").values_list("pk", "level_id", "version"))
    events = AuditEvent.objects.count()
    output = run("demo", "--no-serve")
    assert "present, left as it is" in output
    assert list(Answer.objects.order_by("pk").values_list("pk", "level_id", "version")) == answers
    assert AuditEvent.objects.count() == events


def test_round_and_score_commands(client):
    run("demo", "--no-serve")
    listed = json.loads(run("round", "list", "--json"))
    assert [r["key"] for r in listed] == [
        "flevoland-2021-najaar",
        "flevoland-2022-najaar",
        "flevoland-2023-voorjaar",
        "flevoland-2025-najaar",
    ]
    assert listed[1]["norm"] == "flevolandse-norm"
    almere = json.loads(
        run("score", "--round", "flevoland-2022-najaar", "--organisation", "GM0034", "--json")
    )
    assert list(almere["organisations"]) == ["GM0034"]
    # The command prints what the dashboard shows.
    client.login(username="coordinator", password="demo-Flevoland-2022")
    dashboard = client.get("/rondes/flevoland-2022-najaar/").context["dashboard"]
    row = next(r for r in dashboard.organisations if r.organisation.code == "GM0034")
    assert almere["organisations"]["GM0034"]["total"]["achieved"] == row.total.achieved
    run("round", "close", "flevoland-2023-voorjaar")
    assert MonitoringRound.objects.get(key="flevoland-2023-voorjaar").state == "closed"
