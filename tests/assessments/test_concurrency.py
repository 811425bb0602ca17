"""Two people change the same item at the same moment, in two real transactions on two
connections: exactly one wins, the other is refused with StaleVersion, nothing is lost.

The second transaction is made to wait on the first one's row lock (observed in
pg_stat_activity) before the first commits, so the race is real and deterministic. PostgreSQL
only: Django's SQLite test database is in memory with a shared cache, where a second connection
gets "table is locked" at once instead of waiting (the stale-version refusals themselves are
tested on both databases in test_fill_in.py and test_review.py)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import close_old_connections, connection, connections, transaction

from normmonitor.assessments import services
from normmonitor.assessments.models import Answer, Assessment
from normmonitor.audit.models import AuditEvent
from normmonitor.core.exceptions import InvalidState, StaleVersion
from normmonitor.rounds import services as round_services
from normmonitor.rounds.models import RoundSnapshot
from tests.conftest import ALMERE

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="real concurrent transactions need PostgreSQL"
    ),
]


def run_in_thread(function: Callable[[], object], results: dict, name: str) -> threading.Thread:
    def target() -> None:
        try:
            results[name] = function()
        except Exception as error:
            results[name] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=target, name=name)
    thread.start()
    return thread


def wait_until_blocked(timeout: float = 20.0) -> None:
    """On PostgreSQL: wait until another backend waits on a lock (the second transaction)."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0]:
                return
        time.sleep(0.01)
    raise AssertionError("the second transaction never waited for the first")


def race(first: Callable[[], object], second: Callable[[], object]) -> dict:
    """Run ``first`` in a transaction that holds its locks until ``second`` waits for them.
    Returns each one's result or exception."""
    results: dict = {}
    holding, release = threading.Event(), threading.Event()

    def first_holding() -> object:
        with transaction.atomic():
            value = first()
            holding.set()
            release.wait(30)
        return value

    threads = [run_in_thread(first_holding, results, "first")]
    assert holding.wait(30)
    threads.append(run_in_thread(second, results, "second"))
    wait_until_blocked()
    release.set()
    for thread in threads:
        thread.join(60)
    close_old_connections()
    return results


def one_won(results: dict) -> tuple[object, Exception]:
    outcomes = sorted(results.values(), key=lambda value: isinstance(value, Exception))
    assert len(outcomes) == 2, results
    winner, loser = outcomes
    assert not isinstance(winner, Exception), results
    assert isinstance(loser, StaleVersion), results
    return winner, loser


@pytest.fixture
def almere_item(users, open_round):
    return Answer.objects.select_related("assessment").get(
        assessment__round=open_round, assessment__organisation__code=ALMERE, requirement__code="1.1"
    )


def save(user, answer, level, explanation: str) -> Callable[[], object]:
    def call() -> object:
        return services.answer_update(
            actor=user,
            answer=answer,
            level=level,
            explanation=explanation,
            planned_date=None,
            owner="",
            expected_version=0,
        )

    return call


def test_two_editors_save_the_same_item(users, almere_item, norm_version, make_user):
    colleague = make_user("almere2", "editor", ALMERE)
    achieved = norm_version.scale.get(code="behaald")
    missing = norm_version.scale.get(code="niet-behaald")
    results = race(
        save(users["almere"], almere_item, achieved, "Eerste"),
        save(colleague, almere_item, missing, "Tweede"),
    )
    winner, _loser = one_won(results)
    stored = Answer.objects.get(pk=almere_item.pk)
    assert stored.version == 1
    assert stored.explanation == winner.explanation
    assert AuditEvent.objects.filter(name="answer.updated").count() == 1


def test_two_coordinators_review_the_same_item(users, open_round, norm_version, make_user, region):
    assessment = Assessment.objects.get(round=open_round, organisation__code=ALMERE)
    Answer.objects.filter(assessment=assessment).update(
        level=norm_version.scale.get(code="behaald"), updated_by=users["almere"], version=1
    )
    services.assessment_submit(actor=users["almere"], assessment=assessment)
    item = Answer.objects.get(assessment=assessment, requirement__code="2.1")
    second = make_user("coordinator2", "coordinator", region)

    def decide(user, accept: bool) -> Callable[[], object]:
        return lambda: services.answer_review(
            actor=user,
            answer=item,
            accept=accept,
            comment="" if accept else "Graag onderbouwen.",
            expected_version=1,
        )

    results = race(decide(users["coordinator"], True), decide(second, False))
    winner, _loser = one_won(results)
    stored = Answer.objects.get(pk=item.pk)
    assert stored.version == 2 and stored.review_status == winner.review_status
    assert AuditEvent.objects.filter(name="answer.reviewed").count() == 1


def test_an_edit_and_a_deviation_proposal_race(users, almere_item, norm_version):
    results = race(
        save(users["almere"], almere_item, norm_version.scale.get(code="behaald"), "Opgeslagen"),
        lambda: services.deviation_propose(
            actor=users["almere"], answer=almere_item, motivation="Maatwerk", expected_version=0
        ),
    )
    one_won(results)
    assert Answer.objects.get(pk=almere_item.pk).version == 1


def test_closing_waits_for_a_save_and_the_snapshot_includes_it(users, almere_item, norm_version):
    monitoring_round = almere_item.assessment.round
    results = race(
        save(users["almere"], almere_item, norm_version.scale.get(code="behaald"), "Net op tijd"),
        lambda: round_services.round_close(actor=None, monitoring_round=monitoring_round),
    )
    assert not any(isinstance(value, Exception) for value in results.values()), results
    snapshot = RoundSnapshot.objects.get(round=monitoring_round)
    frozen = next(
        a
        for a in snapshot.data["answers"]
        if a["organisation"] == ALMERE and a["requirement"] == "1.1"
    )
    stored = Answer.objects.get(pk=almere_item.pk)
    assert frozen["explanation"] == stored.explanation
    assert frozen["level"] == (stored.level.code if stored.level_id else None)


def test_a_save_that_waited_for_the_close_is_refused(users, almere_item, norm_version):
    monitoring_round = almere_item.assessment.round
    results = race(
        lambda: round_services.round_close(actor=None, monitoring_round=monitoring_round),
        save(users["almere"], almere_item, norm_version.scale.get(code="behaald"), "Te laat"),
    )
    assert isinstance(results["second"], InvalidState), results
    stored = Answer.objects.get(pk=almere_item.pk)
    assert stored.explanation == "" and stored.version == 0
    snapshot = RoundSnapshot.objects.get(round=monitoring_round)
    assert round_services.snapshot_differences(snapshot) == []
