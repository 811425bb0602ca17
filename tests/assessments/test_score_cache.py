"""Round scores are remembered per process: a closed round by its snapshot, an open round by a
fingerprint of its answers, so that every saved answer is seen at once and nothing stale is
served."""

from __future__ import annotations

import pytest
from django.db import transaction

from normmonitor.assessments import selectors, services
from normmonitor.assessments.models import Answer
from normmonitor.organisations.models import Organisation
from normmonitor.rounds import services as round_services
from tests.conftest import ALMERE, LELYSTAD


@pytest.fixture
def scorings(monkeypatch):
    """Counts how often a whole region is scored."""
    calls = []
    original = selectors.score_region

    def counting(norm, organisations):
        calls.append(len(organisations))
        return original(norm, organisations)

    selectors.score_cache.clear()
    monkeypatch.setattr(selectors, "score_region", counting)
    yield calls
    selectors.score_cache.clear()


def save(answer: Answer, actor, level_code: str) -> None:
    answer.refresh_from_db()
    services.answer_update(
        actor=actor,
        answer=answer,
        level=answer.requirement.norm_version.scale.get(code=level_code),
        explanation="",
        planned_date=None,
        owner="",
        expected_version=answer.version,
    )


def almere_answer(monitoring_round) -> Answer:
    return (
        Answer.objects.filter(
            assessment__round=monitoring_round,
            assessment__organisation__code=ALMERE,
            requirement__code="1.1",
        )
        .select_related("requirement__norm_version")
        .get()
    )


@pytest.mark.django_db(transaction=True)
def test_an_open_round_is_scored_once_until_an_answer_changes(open_round, users, scorings):
    first = selectors.round_score(open_round)
    assert selectors.round_score(open_round) is first
    assert scorings == [7]

    save(almere_answer(open_round), users["almere"], "behaald")
    second = selectors.round_score(open_round)
    assert scorings == [7, 7]
    assert second.total.achieved == first.total.achieved + 1
    assert second.by_organisation[ALMERE].items["1.1"].status == "achieved"
    assert selectors.round_score(open_round) is second

    # Another organisation's type is part of what the figures depend on.
    Organisation.objects.filter(code=LELYSTAD).update(type="provincie")
    assert selectors.round_score(open_round) is not second


@pytest.mark.django_db(transaction=True)
def test_nothing_is_remembered_inside_a_transaction(open_round, users, scorings):
    with transaction.atomic():
        save(almere_answer(open_round), users["almere"], "behaald")
        assert selectors.round_score(open_round).by_organisation[ALMERE].items["1.1"].level
        transaction.set_rollback(True)
    after = selectors.round_score(open_round)
    assert after.by_organisation[ALMERE].items["1.1"].status == "unanswered"
    assert scorings == [7, 7]


@pytest.mark.django_db
def test_a_closed_round_is_scored_once_from_its_snapshot(open_round, users, scorings):
    save(almere_answer(open_round), users["almere"], "behaald")
    round_services.round_close(actor=users["coordinator"], monitoring_round=open_round)
    open_round.refresh_from_db()
    scorings.clear()

    whole = selectors.round_score(open_round)
    almere = Organisation.objects.get(code=ALMERE)
    part = selectors.round_score(open_round, {almere.pk})
    assert selectors.round_score(open_round) is whole
    assert scorings == [7]  # the part came from the remembered whole

    assert list(part.by_organisation) == [ALMERE]
    assert part.total == whole.by_organisation[ALMERE].total
    assert part.by_organisation[ALMERE] == whole.by_organisation[ALMERE]
    alone = selectors.live_round_score(open_round, {almere.pk})
    assert part == alone


def test_the_cache_is_bounded_by_the_organisations_it_holds():
    from normmonitor.scoring import RegionScore, Tally

    def scored(organisations: int) -> selectors._Scored:
        by_organisation = {f"O{i}": None for i in range(organisations)}
        return selectors._Scored(None, RegionScore(Tally(), {}, by_organisation), {})

    cache = selectors._ScoreCache(organisations=10)
    cache.put(("a",), scored(4))
    cache.put(("b",), scored(4))
    assert cache.get(("a",)) is not None  # now the most recently used
    cache.put(("c",), scored(4))  # 12 > 10: the least recently used ("b") goes
    assert cache.get(("b",)) is None
    assert cache.get(("a",)) is not None and cache.get(("c",)) is not None
    cache.put(("d",), scored(50))  # larger than the budget: kept alone
    assert [cache.get((k,)) is not None for k in "acd"] == [False, False, True]
