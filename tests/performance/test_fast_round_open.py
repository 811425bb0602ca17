"""The proposed set-based answer creation for round_open (benchmarks/proposals) makes exactly
the rows round_open makes, with and without carrying over."""

from datetime import date

import pytest

from benchmarks.proposals.fast_round_open import create_answers
from normmonitor.assessments.models import Answer, Assessment
from normmonitor.rounds import services
from tests.conftest import ALMERE

pytestmark = pytest.mark.django_db


def rows(monitoring_round) -> set[tuple]:
    return set(
        Answer.objects.filter(assessment__round=monitoring_round).values_list(
            "assessment__organisation__code",
            "requirement__code",
            "level__code",
            "explanation",
            "planned_date",
            "owner",
            "last_done_on",
            "carried_over",
            "version",
        )
    )


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


@pytest.mark.parametrize("carry_over", [True, False])
def test_same_rows_as_round_open(open_round, norm_version, carry_over):
    achieved = norm_version.scale.get(code="behaald")
    partly = norm_version.scale.get(code="gedeeltelijk")
    Answer.objects.filter(assessment__round=open_round, requirement__code="2.2").update(
        level=achieved, owner="OOV", planned_date=date(2023, 1, 1)
    )
    Answer.objects.filter(
        assessment__round=open_round, assessment__organisation__code=ALMERE
    ).exclude(requirement__code="2.2").update(level=partly, explanation="Bijna")

    by_service = draft("by-service", open_round)
    services.round_open(actor=None, monitoring_round=by_service, carry_over=carry_over)

    by_sql = draft("by-sql", open_round)
    Assessment.objects.bulk_create(
        Assessment(round=by_sql, organisation=a.organisation)
        for a in by_service.assessments.select_related("organisation")
    )
    count = create_answers(by_sql, carry_over=carry_over)

    assert count == Answer.objects.filter(assessment__round=by_service).count() > 0
    assert rows(by_sql) == rows(by_service)
    assert any(row[7] for row in rows(by_sql)) is carry_over
