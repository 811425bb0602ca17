from datetime import date

import pytest

from normmonitor.assessments.models import Answer, Assessment
from normmonitor.audit.models import AuditEvent
from normmonitor.core.exceptions import InvalidState, NotAllowed, ServiceError
from normmonitor.rounds import services
from normmonitor.rounds.models import MonitoringRound, RoundState
from tests.conftest import ALMERE, PROVINCE

pytestmark = pytest.mark.django_db

# 39 requirements, of which 3.2, 3.2.2 and 3.5 are derived: 36 are rated by a municipality.
# The province is rated on 1.1, 2.1, 3.4, 3.5 G–I, 3.6, 3.8 and 4.1–4.5: 13 items.
RATED_PER_MUNICIPALITY = 36
RATED_FOR_PROVINCE = 13


def test_opening_creates_an_answer_for_every_applicable_rated_item(draft_round):
    created = services.round_open(actor=None, monitoring_round=draft_round)
    assert draft_round.state == RoundState.OPEN
    assert Assessment.objects.filter(round=draft_round).count() == 7
    assert created == 6 * RATED_PER_MUNICIPALITY + RATED_FOR_PROVINCE
    province = Assessment.objects.get(round=draft_round, organisation__code=PROVINCE)
    codes = set(province.answers.values_list("requirement__code", flat=True))
    assert codes == {
        "1.1",
        "2.1",
        "3.4",
        "3.5.G",
        "3.5.H",
        "3.5.I",
        "3.6",
        "3.8",
        "4.1",
        "4.2",
        "4.3",
        "4.4",
        "4.5",
    }
    assert not Answer.objects.filter(assessment__round=draft_round, requirement__derived=True)
    assert AuditEvent.objects.filter(name="round.opened", round=draft_round).count() == 1


def test_a_round_opens_only_once(open_round):
    with pytest.raises(InvalidState):
        services.round_open(actor=None, monitoring_round=open_round)
    assert Assessment.objects.filter(round=open_round).count() == 7


def test_opening_carries_over_previous_answers_marked_to_confirm(open_round, norm_version, region):
    answer = Answer.objects.get(
        assessment__round=open_round,
        assessment__organisation__code=ALMERE,
        requirement__code="2.2",
    )
    answer.level = norm_version.scale.get(code="behaald")
    answer.explanation = "Aangesloten sinds 2019."
    answer.save()
    services.round_close(actor=None, monitoring_round=open_round)
    follow_up = services.round_create(
        actor=None,
        key="flevoland-next",
        name="Next",
        region=region,
        norm_version=norm_version,
        reference_date=date(2023, 4, 1),
        deadline=date(2023, 5, 1),
        previous=open_round,
    )
    services.round_open(actor=None, monitoring_round=follow_up)
    carried = Answer.objects.get(
        assessment__round=follow_up,
        assessment__organisation__code=ALMERE,
        requirement__code="2.2",
    )
    assert carried.carried_over
    assert carried.level.code == "behaald"
    assert carried.explanation == "Aangesloten sinds 2019."
    # The closed round's answer is a separate row and stays as it was.
    assert carried.pk != answer.pk


def test_editor_cannot_open_or_close_a_round(users, draft_round):
    with pytest.raises(NotAllowed):
        services.round_open(actor=users["almere"], monitoring_round=draft_round)
    assert MonitoringRound.objects.get(pk=draft_round.pk).state == RoundState.DRAFT
    assert not Assessment.objects.filter(round=draft_round).exists()


def test_state_machine(users, open_round):
    coordinator = users["coordinator"]
    services.round_start_review(actor=coordinator, monitoring_round=open_round)
    assert open_round.state == RoundState.IN_REVIEW
    services.round_close(actor=coordinator, monitoring_round=open_round)
    assert open_round.state == RoundState.CLOSED
    assert open_round.closed_at is not None
    with pytest.raises(InvalidState):
        services.round_close(actor=coordinator, monitoring_round=open_round)
    names = list(AuditEvent.objects.filter(round=open_round).values_list("name", flat=True))
    assert {"round.review_started", "round.closed"} <= set(names)


def test_create_validates_dates_and_keys(norm_version, region, draft_round):
    with pytest.raises(ServiceError):
        services.round_create(
            actor=None,
            key="x",
            name="x",
            region=region,
            norm_version=norm_version,
            reference_date=date(2022, 10, 1),
            deadline=date(2022, 9, 1),
        )
    with pytest.raises(ServiceError):
        services.round_create(
            actor=None,
            key=draft_round.key,
            name="x",
            region=region,
            norm_version=norm_version,
            reference_date=date(2022, 10, 1),
            deadline=date(2022, 11, 1),
        )
