"""round_open makes its answers in SQL (rounds/answer_rows.py): exactly the rows the rules ask
for, checked against a plain-Python statement of those rules, with and without carrying over."""

from datetime import date

import pytest

from normmonitor.assessments.models import Answer, DeviationStatus, ReviewStatus
from normmonitor.audit.models import AuditEvent
from normmonitor.rounds import services
from tests.conftest import ALMERE, LELYSTAD, URK

pytestmark = pytest.mark.django_db

FIELDS = (
    "assessment__organisation__code",
    "requirement__code",
    "level__code",
    "explanation",
    "planned_date",
    "owner",
    "last_done_on",
    "carried_over",
    "version",
    "updated_by",
    "review_status",
    "reviewed_at",
    "reviewed_by",
    "deviation_status",
    "deviation_motivation",
    "deviation_decided_at",
    "deviation_decided_by",
)


def rows(monitoring_round) -> set[tuple]:
    return set(Answer.objects.filter(assessment__round=monitoring_round).values_list(*FIELDS))


def expected_rows(monitoring_round, previous) -> set[tuple]:
    """The rules, one answer at a time: every member organisation the norm addresses gets an
    answer for every applicable rated requirement; with a previous round, the earlier answer to
    the same code is copied (level by code if this scale has it), marked carried over, and
    review and deviation start afresh."""
    norm_version = monitoring_round.norm_version
    levels = set(norm_version.scale.values_list("code", flat=True))
    earlier = {}
    if previous is not None:
        for answer in Answer.objects.filter(assessment__round=previous).select_related(
            "assessment__organisation", "requirement", "level"
        ):
            earlier[(answer.assessment.organisation.code, answer.requirement.code)] = answer
    expected = set()
    for organisation in monitoring_round.region.members.all():
        if organisation.type not in norm_version.organisation_types:
            continue
        for requirement in norm_version.requirements.filter(derived=False):
            if organisation.type not in requirement.applies_to:
                continue
            before = earlier.get((organisation.code, requirement.code))
            carried = (
                (
                    before.level.code if before.level and before.level.code in levels else None,
                    before.explanation,
                    before.planned_date,
                    before.owner,
                    before.last_done_on,
                    True,
                )
                if before
                else (None, "", None, "", None, False)
            )
            fresh = (0, None, ReviewStatus.PENDING, None, None, "", "", None, None)
            expected.add((organisation.code, requirement.code, *carried, *fresh))
    return expected


def draft(key, open_round, previous=True):
    return services.round_create(
        actor=None,
        key=key,
        name=key,
        region=open_round.region,
        norm_version=open_round.norm_version,
        reference_date=date(2023, 4, 1),
        deadline=date(2023, 5, 1),
        previous=open_round if previous else None,
    )


@pytest.fixture
def answered_round(open_round, norm_version, users):
    """The open round with some answers given, reviewed and deviated from, and one missing (it
    cannot be carried over)."""
    achieved = norm_version.scale.get(code="behaald")
    partly = norm_version.scale.get(code="gedeeltelijk")
    answers = Answer.objects.filter(assessment__round=open_round)
    answers.filter(requirement__code="2.2").update(
        level=achieved, owner="OOV", planned_date=date(2023, 1, 1), version=3
    )
    answers.filter(assessment__organisation__code=ALMERE).exclude(requirement__code="2.2").update(
        level=partly,
        explanation="Bijna",
        last_done_on=date(2022, 9, 1),
        updated_by=users["almere"],
        review_status=ReviewStatus.ACCEPTED,
        reviewed_by=users["coordinator"],
    )
    answers.filter(assessment__organisation__code=LELYSTAD, requirement__code="1.1").update(
        explanation="Maatwerk",
        deviation_status=DeviationStatus.ACCEPTED,
        deviation_motivation="Geen haven",
    )
    answers.filter(assessment__organisation__code=URK, requirement__code="1.1").delete()
    return open_round


@pytest.mark.parametrize("carry_over", [True, False])
def test_the_answers_follow_the_rules(answered_round, carry_over):
    opened = draft("next", answered_round)
    count = services.round_open(actor=None, monitoring_round=opened, carry_over=carry_over)

    expected = expected_rows(opened, answered_round if carry_over else None)
    assert rows(opened) == expected
    assert count == len(expected) == Answer.objects.filter(assessment__round=opened).count()
    assert {row[7] for row in expected} == ({False, True} if carry_over else {False})
    # The earlier round keeps its own rows.
    assert rows(answered_round) != rows(opened)
    assert Answer.objects.filter(assessment__round=opened, updated_at__isnull=True).count() == 0


def test_without_a_previous_round_nothing_is_carried_over(answered_round):
    opened = draft("fresh", answered_round, previous=False)
    services.round_open(actor=None, monitoring_round=opened)
    assert rows(opened) == expected_rows(opened, None)


def test_the_audit_event_counts_what_was_made(answered_round):
    Answer.objects.filter(
        assessment__round=answered_round,
        assessment__organisation__code=ALMERE,
        requirement__code__in=["1.1", "2.2"],
    ).delete()
    opened = draft("audited", answered_round)
    count = services.round_open(actor=None, monitoring_round=opened)
    event = AuditEvent.objects.get(name="round.opened", round=opened)
    assert event.data["organisations"] == 7
    assert event.data["answers"] == count
    assert event.data["carried_over"] == sum(1 for row in rows(opened) if row[7]) == count - 3
