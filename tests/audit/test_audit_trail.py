"""The audit trail: append-only (model and database), scoped per role, filtered, and exported as
injection-safe CSV — an export that is itself audited."""

import csv
import io

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from normmonitor.audit.models import AuditEvent
from normmonitor.audit.selectors import csv_safe, visible_events
from normmonitor.audit.services import record
from normmonitor.organisations.models import Organisation, Region
from tests.conftest import ALMERE

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(users, open_round):
    other_region = Region.objects.create(key="elders", name="Elders")
    elsewhere = Organisation.objects.create(code="GM9999", name="Elders", type="gemeente")
    other_region.members.add(elsewhere)
    almere = Organisation.objects.get(code=ALMERE)
    record("auth.login", actor=users["almere"], address="10.0.0.1")
    record("answer.updated", actor=users["almere"], organisation=almere, round=open_round)
    record("answer.updated", actor=None, organisation=elsewhere)
    record(
        "membership.created",
        actor=users["admin"],
        user="coordinator",
        role="coordinator",
        region="flevoland",
    )
    return {"almere": almere, "elsewhere": elsewhere}


def test_events_cannot_be_changed_or_deleted(users):
    event = record("test.event", actor=users["admin"], detail="x")
    event.name = "changed"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(name="changed")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    # Behind the application's back, the database refuses too.
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET name = 'changed' WHERE id = %s", [event.pk])
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).name == "test.event"


def test_deleting_a_user_keeps_their_events(users):
    event = record("test.event", actor=users["nobody"])
    users["nobody"].delete()
    event = AuditEvent.objects.get(pk=event.pk)
    assert event.actor is None and event.actor_name == "nobody"


def test_administrators_see_everything_coordinators_their_region(users, events):
    everything = set(visible_events(users["admin"]).values_list("name", "organisation__code"))
    assert ("auth.login", None) in everything and ("answer.updated", "GM9999") in everything
    regional = list(visible_events(users["coordinator"]))
    assert {e.name for e in regional} == {
        "round.created",
        "round.opened",
        "answer.updated",
        "membership.created",
    }
    assert all(e.organisation is None or e.organisation.code == ALMERE for e in regional)
    assert not visible_events(users["almere"]).exists()


def test_the_pages_are_for_coordinators_and_administrators(client, users, events):
    for who in ("almere", "almere_reader", "nobody"):
        client.force_login(users[who])
        assert client.get(reverse("audit:list")).status_code == 403, who
        assert client.get(reverse("audit:export")).status_code == 403, who
    client.force_login(users["coordinator"])
    page = client.get(reverse("audit:list"), {"name": "answer."})
    assert page.status_code == 200
    assert [e.organisation.code for e in page.context["page"]] == [ALMERE]
    client.force_login(users["admin"])
    page = client.get(reverse("audit:list"), {"actor": "almere", "name": "auth."})
    assert {(e.name, e.actor_name) for e in page.context["page"]} == {("auth.login", "almere")}


def test_csv_export_is_audited_and_injection_safe(client, users, events, make_user):
    hostile = make_user("-2+3@x")
    record("auth.login", actor=hostile, address="10.0.0.2")
    client.force_login(users["admin"])
    response = client.get(reverse("audit:export"), {"name": "auth."})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["id", "time", "event"]
    actors = [row[3] for row in rows[1:]]
    assert "'-2+3@x" in actors and "almere" in actors
    exported = AuditEvent.objects.get(name="audit.exported")
    assert exported.actor == users["admin"]
    assert exported.data == {
        "filter": {"name": "auth."},
        "rows": AuditEvent.objects.filter(name__startswith="auth.").count(),
    }
    assert len(rows) - 1 == exported.data["rows"]


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+31 6 1234", "'+31 6 1234"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("gewoon", "gewoon"),
        (None, ""),
        (42, "42"),
    ],
)
def test_csv_cells(value, safe):
    assert csv_safe(value) == safe
