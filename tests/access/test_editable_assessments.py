"""editable_assessments() lists exactly the assessments the permission
assessments.change_assessment allows, in every round state and review status: also those the
working group returned for changes while the round is in review."""

import itertools

import pytest

from normmonitor.access.models import Membership, Role
from normmonitor.access.selectors import editable_assessments
from normmonitor.assessments.models import Assessment, AssessmentStatus
from normmonitor.organisations.models import Organisation
from normmonitor.rounds.models import MonitoringRound, RoundState
from tests.conftest import ALMERE

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_of_all(open_round, make_user):
    """An editor of every organisation of the round, so that one round holds every status."""
    user = make_user("editor_of_all")
    for organisation in Organisation.objects.filter(assessments__round=open_round):
        Membership.objects.create(user=user, role=Role.EDITOR, organisation=organisation)
    return user


def allowed(user, monitoring_round) -> set[int]:
    return {
        a.pk
        for a in Assessment.objects.select_related("round").filter(round=monitoring_round)
        if user.has_perm("assessments.change_assessment", a)
    }


@pytest.mark.parametrize("state", list(RoundState))
def test_editable_assessments_follow_the_permission(open_round, editor_of_all, users, state):
    statuses = itertools.cycle(AssessmentStatus)
    for assessment in Assessment.objects.filter(round=open_round).order_by("pk"):
        Assessment.objects.filter(pk=assessment.pk).update(status=next(statuses))
    MonitoringRound.objects.filter(pk=open_round.pk).update(state=state)
    for user in (editor_of_all, users["almere"], users["almere_reader"], users["coordinator"]):
        found = [a.pk for a in editable_assessments(user)]
        assert sorted(found) == sorted(allowed(user, open_round)), (user, state)


def test_a_returned_assessment_stays_editable_while_the_round_is_in_review(users, open_round):
    almere = Assessment.objects.get(round=open_round, organisation__code=ALMERE)
    Assessment.objects.filter(pk=almere.pk).update(status=AssessmentStatus.CHANGES_REQUESTED)
    MonitoringRound.objects.filter(pk=open_round.pk).update(state=RoundState.IN_REVIEW)
    assert list(editable_assessments(users["almere"])) == [almere]
    Assessment.objects.filter(pk=almere.pk).update(status=AssessmentStatus.SUBMITTED)
    assert not editable_assessments(users["almere"]).exists()
    # While the round is open, a submitted assessment is with the working group, not editable.
    MonitoringRound.objects.filter(pk=open_round.pk).update(state=RoundState.OPEN)
    assert not editable_assessments(users["almere"]).exists()
