import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from normmonitor.rounds.models import MonitoringRound, RoundState

pytestmark = pytest.mark.django_db


def form_data(norm_version, region, **extra):
    return {
        "name": "Flevoland voorjaar 2024",
        "region": region.pk,
        "norm_version": norm_version.pk,
        "reference_date": "2024-04-01",
        "deadline": "2024-05-15",
        **extra,
    }


def test_coordinator_creates_and_opens_a_round(client, users, norm_version, region):
    client.force_login(users["coordinator"])
    assert client.get(reverse("rounds:new")).status_code == 200
    response = client.post(reverse("rounds:new"), form_data(norm_version, region))
    assert response.status_code == 302
    created = MonitoringRound.objects.get(key="flevoland-voorjaar-2024")
    assert created.state == RoundState.DRAFT
    response = client.post(reverse("rounds:change_state", args=[created.key, "open"]))
    assert response.status_code == 302
    created.refresh_from_db()
    assert created.state == RoundState.OPEN
    assert created.assessments.count() == 7


def test_round_form_errors_are_shown_and_nothing_is_created(client, users, norm_version, region):
    client.force_login(users["coordinator"])
    data = form_data(norm_version, region, deadline="2024-03-01")
    response = client.post(reverse("rounds:new"), data)
    assert response.status_code == 200
    assert "alert--error" in response.content.decode()
    assert not MonitoringRound.objects.exists()


def test_editor_cannot_create_or_move_rounds(client, users, norm_version, region, draft_round):
    client.force_login(users["almere"])
    assert client.get(reverse("rounds:new")).status_code == 403
    assert client.post(reverse("rounds:new"), form_data(norm_version, region)).status_code == 403
    response = client.post(reverse("rounds:change_state", args=[draft_round.key, "open"]))
    assert response.status_code == 403
    draft_round.refresh_from_db()
    assert draft_round.state == RoundState.DRAFT
    assert MonitoringRound.objects.count() == 1


def test_state_change_needs_post(client, users, draft_round):
    client.force_login(users["coordinator"])
    response = client.get(reverse("rounds:change_state", args=[draft_round.key, "open"]))
    assert response.status_code == 405


def test_round_commands_create_open_close(norm_version, region):
    out = StringIO()
    call_command(
        "round",
        "create",
        "flevoland-cli",
        "--name",
        "CLI",
        "--region",
        "flevoland",
        "--norm",
        "flevolandse-norm",
        "--reference-date",
        "2024-04-01",
        "--deadline",
        "2024-05-01",
        stdout=out,
    )
    call_command("round", "open", "flevoland-cli", stdout=out)
    listed = StringIO()
    call_command("round", "list", "--json", stdout=listed)
    assert json.loads(listed.getvalue())[0]["state"] == "open"
    call_command("round", "close", "flevoland-cli", stdout=out)
    with pytest.raises(CommandError):
        call_command("round", "open", "flevoland-cli", stdout=out)
    with pytest.raises(CommandError):
        call_command("round", "close", "no-such-round", stdout=out)
