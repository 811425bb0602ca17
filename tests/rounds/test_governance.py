"""Closing a round writes an immutable snapshot with a checksum; a closed round's figures never
change afterwards; reopening needs an administrator and is audited; the checksum verifies."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse

from normmonitor.access.models import Membership
from normmonitor.assessments import services as assessment_services
from normmonitor.assessments.models import Answer
from normmonitor.assessments.selectors import round_scores_as_json
from normmonitor.audit.models import AuditEvent
from normmonitor.core.exceptions import InvalidState, NotAllowed
from normmonitor.norms.models import Requirement
from normmonitor.organisations.models import Organisation
from normmonitor.rounds import services
from normmonitor.rounds.models import RoundSnapshot
from normmonitor.rounds.snapshots import checksum
from tests.conftest import ALMERE, URK

pytestmark = pytest.mark.django_db


@pytest.fixture
def rated(open_round, norm_version, users):
    """Some answers rated, so that the figures are not trivial."""
    levels = {level.code: level for level in norm_version.scale.all()}
    for index, answer in enumerate(
        Answer.objects.filter(assessment__round=open_round).order_by("pk")
    ):
        code = ("behaald", "gedeeltelijk", "niet-behaald", "behaald")[index % 4]
        Answer.objects.filter(pk=answer.pk).update(level=levels[code], explanation=f"n{index}")
    return open_round


def test_closing_writes_a_snapshot_whose_checksum_verifies(rated, users):
    before = round_scores_as_json(rated)
    services.round_close(actor=users["coordinator"], monitoring_round=rated)
    snapshot = RoundSnapshot.objects.get(round=rated)
    assert snapshot.sequence == 1 and snapshot.checksum == checksum(snapshot.data)
    assert len(snapshot.data["answers"]) == Answer.objects.filter(assessment__round=rated).count()
    assert snapshot.data["scores"]["total"] == before["total"]
    event = AuditEvent.objects.get(name="round.closed", round=rated)
    assert event.data["checksum"] == snapshot.checksum
    assert services.snapshot_verify(snapshot) == []
    out = StringIO()
    call_command("round", "verify", rated.key, stdout=out)
    assert f"OK     {rated.key} #1 sha256:{snapshot.checksum}" in out.getvalue()


def test_a_tampered_snapshot_fails_verification(rated, users):
    services.round_close(actor=None, monitoring_round=rated)
    snapshot = RoundSnapshot.objects.get(round=rated)
    snapshot.data["answers"][0]["counts_as"] = "behaald-want-vervalst"
    assert services.snapshot_verify(snapshot)[0].startswith("checksum mismatch")


def test_the_database_refuses_to_change_a_snapshot(rated):
    services.round_close(actor=None, monitoring_round=rated)
    with pytest.raises(PermissionError):
        RoundSnapshot.objects.filter(round=rated).update(checksum="0" * 64)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE rounds_roundsnapshot SET checksum = %s", ["0" * 64])
    assert services.snapshot_verify(RoundSnapshot.objects.get(round=rated)) == []


def test_a_closed_round_refuses_every_edit(client, rated, users, norm_version):
    services.round_close(actor=None, monitoring_round=rated)
    answer = Answer.objects.select_related("assessment").get(
        assessment__round=rated, assessment__organisation__code=ALMERE, requirement__code="2.2"
    )
    with pytest.raises((InvalidState, NotAllowed)):
        assessment_services.answer_update(
            actor=users["almere"],
            answer=answer,
            level=norm_version.scale.get(code="behaald"),
            explanation="x",
            planned_date=None,
            owner="",
            expected_version=answer.version,
        )
    with pytest.raises(InvalidState):  # not even the system operator
        assessment_services.answer_update(
            actor=None,
            answer=answer,
            level=None,
            explanation="x",
            planned_date=None,
            owner="",
            expected_version=answer.version,
        )
    client.force_login(users["almere"])
    url = reverse("assessments:answer", args=[rated.key, ALMERE, answer.pk])
    assert client.post(url, {f"a{answer.pk}-version": answer.version}).status_code == 403


def test_figures_of_a_closed_round_never_change(client, rated, users, region, monkeypatch):
    services.round_close(actor=None, monitoring_round=rated)
    frozen = round_scores_as_json(rated)
    client.force_login(users["coordinator"])
    page = client.get(reverse("dashboard:round", args=[rated.key]))
    frozen_total = page.context["dashboard"].total
    # Whatever is edited elsewhere afterwards ...
    Requirement.objects.filter(norm_version=rated.norm_version, code="1.2").update(
        applies_to=["gemeente", "provincie"], text="Een andere tekst"
    )
    Organisation.objects.filter(code=URK).update(type="provincie", name="Urk (hernoemd)")
    region.members.remove(Organisation.objects.get(code=ALMERE))
    Membership.objects.filter(user=users["coordinator"]).update(region=region)
    with connection.cursor() as cursor:  # even a change behind the application's back
        cursor.execute("UPDATE assessments_answer SET level_id = NULL")
    from normmonitor.assessments import selectors

    # Forget the norm models (so the edited requirement would be read), only for this test:
    # the edits are rolled back afterwards, a model built from them must not outlive it.
    monkeypatch.setattr(selectors, "_norm_models", {})
    # ... the figures stay those of the snapshot.
    assert round_scores_as_json(rated)["total"] == frozen["total"]
    assert round_scores_as_json(rated)["by_theme"] == frozen["by_theme"]
    page = client.get(reverse("dashboard:round", args=[rated.key]))
    assert page.context["dashboard"].total == frozen_total
    out = StringIO()
    call_command("round", "verify", rated.key, "--compare-answers", stdout=out)
    assert "OK" in out.getvalue() and "differs:" in out.getvalue()


def test_reopening_needs_an_administrator_and_is_audited(rated, users):
    services.round_close(actor=None, monitoring_round=rated)
    with pytest.raises(NotAllowed):
        services.round_reopen(actor=users["coordinator"], monitoring_round=rated, reason="Fout")
    with pytest.raises(services.ServiceError):
        services.round_reopen(actor=users["admin"], monitoring_round=rated, reason=" ")
    services.round_reopen(
        actor=users["admin"], monitoring_round=rated, reason="Correctie Urk, besluit werkgroep"
    )
    rated.refresh_from_db()
    assert rated.state == "open"
    event = AuditEvent.objects.get(name="round.reopened")
    assert event.actor == users["admin"] and event.data["reason"].startswith("Correctie")
    services.round_close(actor=users["coordinator"], monitoring_round=rated)
    assert list(RoundSnapshot.objects.filter(round=rated).values_list("sequence", flat=True)) == [
        2,
        1,
    ]


def test_reopen_and_snapshot_pages(rated, users):
    services.round_close(actor=None, monitoring_round=rated)
    coordinator, admin, editor = Client(), Client(), Client()
    coordinator.force_login(users["coordinator"])
    admin.force_login(users["admin"])
    editor.force_login(users["almere"])
    snapshot_url = reverse("rounds:snapshot", args=[rated.key])
    assert editor.get(snapshot_url).status_code == 403
    page = coordinator.get(snapshot_url)
    assert page.status_code == 200
    download = coordinator.get(snapshot_url + "?download")
    snapshot = RoundSnapshot.objects.get(round=rated)
    assert download["X-Checksum-SHA256"] == snapshot.checksum
    import hashlib

    assert hashlib.sha256(download.content).hexdigest() == snapshot.checksum
    assert AuditEvent.objects.filter(name="round.snapshot_exported").exists()
    reopen_url = reverse("rounds:reopen", args=[rated.key])
    assert coordinator.post(reopen_url, {"reason": "x"}).status_code == 403
    assert admin.post(reopen_url, {"reason": "Correctie"}).status_code == 302
    rated.refresh_from_db()
    assert rated.state == "open"


def test_verify_command_fails_loudly(db):
    with pytest.raises(CommandError):
        call_command("round", "verify", "no-such-round")
