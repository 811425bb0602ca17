"""Liveness (/health/: the process answers, without the database) and readiness (/ready/: the
database answers and every migration is applied), both public for an orchestrator."""

import pytest
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.db.utils import OperationalError

from normmonitor.api.problems import API_PREFIX
from normmonitor.core import middleware, views

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_process(monkeypatch):
    """Each test starts like a new process, without a remembered readiness."""
    monkeypatch.setattr(views, "_migrations_applied", False)


def test_health_answers_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_health_answers_when_the_database_does_not(client, monkeypatch):
    monkeypatch.setattr(connection, "cursor", _broken)
    response = client.get("/health/")
    assert response.status_code == 200


def test_ready_when_the_database_answers_and_everything_is_migrated(client):
    response = client.get("/ready/")
    assert response.status_code == 200
    assert response.json() == {"status": "ready"}
    assert response["Content-Type"] == "application/json"


def test_not_ready_while_a_migration_is_not_applied(client, caplog):
    recorded = MigrationRecorder.Migration.objects.filter(app="access").order_by("-name").first()
    recorded.delete()
    response = client.get("/ready/")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "reason": "1 migration(s) not applied"}
    # The operator finds which in the log; the anonymous caller is not told.
    assert f"access.{recorded.name}" in caplog.text


def test_not_ready_when_the_database_does_not_answer(client, monkeypatch):
    monkeypatch.setattr(connection, "cursor", _broken)
    response = client.get("/ready/")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "reason": "the database does not answer"}


def test_a_positive_answer_is_remembered_by_the_process(client, django_assert_max_num_queries):
    assert client.get("/ready/").status_code == 200
    # The migration check is not repeated: one query, the database's own answer.
    with django_assert_max_num_queries(1):
        assert client.get("/ready/").status_code == 200
    MigrationRecorder.Migration.objects.filter(app="access").delete()
    assert client.get("/ready/").status_code == 200


def test_a_negative_answer_is_not_remembered(client):
    recorded = MigrationRecorder.Migration.objects.filter(app="access").order_by("-name").first()
    app, name = recorded.app, recorded.name
    recorded.delete()
    assert client.get("/ready/").status_code == 503
    MigrationRecorder(connection).record_applied(app, name)
    assert client.get("/ready/").status_code == 200


def test_health_and_ready_are_public_but_pages_are_not(client):
    assert client.get("/health/").status_code == 200
    assert client.get("/ready/").status_code == 200
    assert client.get("/").status_code == 302


def test_the_api_is_exempt_from_the_login_redirect_by_core_itself(client):
    """core exempts /api/v1/ on its own (the API app no longer patches the middleware): an
    anonymous API request gets the API's 401, not the login page."""
    assert API_PREFIX.startswith(middleware.PUBLIC_PATH_PREFIXES)
    response = client.get(f"{API_PREFIX}rounds")
    assert response.status_code == 401


def _broken(*args, **kwargs):
    raise OperationalError("connection refused")
