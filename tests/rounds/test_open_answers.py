"""round_open makes its answers in SQL (rounds/answer_rows.py): exactly the rows the rules ask
for, checked against a plain-Python statement of those rules, with and without carrying over,
within one norm version and onto a new one through the versions' mapping."""

from datetime import date

import pytest

from normmonitor.assessments.models import Answer, DeviationStatus, ReviewStatus
from normmonitor.audit.models import AuditEvent
from normmonitor.norms.mapping import FLEVOLANDSE_MAPPING_PATH, FLEVOLANDSE_NORM_2_PATH
from normmonitor.norms.models import ScaleLevel
from normmonitor.norms.selectors import carry_over_codes
from normmonitor.norms.services import load_mapping_file, load_norm_file
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
    the item it continues (by the mapping, ``carry_over_codes``) is copied (level by code if
    this scale has it), marked carried over, and review and deviation start afresh."""
    norm_version = monitoring_round.norm_version
    levels = set(norm_version.scale.values_list("code", flat=True))
    earlier, sources = {}, {}
    if previous is not None:
        for answer in Answer.objects.filter(assessment__round=previous).select_related(
            "assessment__organisation", "requirement", "level"
        ):
            earlier[(answer.assessment.organisation.code, answer.requirement.code)] = answer
        sources = carry_over_codes(previous.norm_version, norm_version) or {}
    expected = set()
    for organisation in monitoring_round.region.members.all():
        if organisation.type not in norm_version.organisation_types:
            continue
        for requirement in norm_version.requirements.filter(derived=False):
            if organisation.type not in requirement.applies_to:
                continue
            before = earlier.get((organisation.code, sources.get(requirement.code)))
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


def draft(key, open_round, previous=True, norm_version=None):
    return services.round_create(
        actor=None,
        key=key,
        name=key,
        region=open_round.region,
        norm_version=norm_version or open_round.norm_version,
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


@pytest.fixture
def norm_2(db):
    return load_norm_file(FLEVOLANDSE_NORM_2_PATH).norm_version


def answer(monitoring_round, organisation, code):
    return Answer.objects.select_related("level").get(
        assessment__round=monitoring_round,
        assessment__organisation__code=organisation,
        requirement__code=code,
    )


@pytest.fixture
def rated_on_1_0(open_round, norm_version):
    """The 1.0 round with Almere's items that the mapping to 2.0 treats differently answered,
    each with its own explanation."""
    levels = {level.code: level for level in norm_version.scale.all()}
    for code, level in {
        "1.1": "behaald",  # not listed: continues as 1.1
        "2.2": "behaald",  # dropped
        "2.3": "gedeeltelijk",  # same, renumbered to 2.2 (2.0's 2.3 is new)
        "3.8": "behaald",  # split into 4.1 and 4.2
        "3.9": "nvt",  # same, renumbered to 4.3
        "4.1": "behaald",  # merged with 4.2 into 5.1
        "4.2": "behaald",
    }.items():
        Answer.objects.filter(
            assessment__round=open_round,
            assessment__organisation__code=ALMERE,
            requirement__code=code,
        ).update(level=levels[level], explanation=f"1.0 item {code}", owner="OOV")
    return open_round


def test_on_a_new_version_answers_carry_over_along_the_mapping(rated_on_1_0, norm_2):
    load_mapping_file(FLEVOLANDSE_MAPPING_PATH)
    # 2.0's scale lacks a level the earlier answer used: carried over, but unrated.
    ScaleLevel.objects.filter(norm_version=norm_2, code="nvt").delete()
    opened = draft("on-2-0", rated_on_1_0, norm_version=norm_2)
    count = services.round_open(actor=None, monitoring_round=opened)

    assert rows(opened) == expected_rows(opened, rated_on_1_0)
    assert count == Answer.objects.filter(assessment__round=opened).count()

    def carried(code):
        found = answer(opened, ALMERE, code)
        level = found.level.code if found.level else None
        return (level, found.explanation) if found.carried_over else None

    assert carried("1.1") == ("behaald", "1.0 item 1.1")
    assert carried("2.2") == ("gedeeltelijk", "1.0 item 2.3")  # not 1.0's dropped 2.2
    assert carried("4.1") == carried("4.2") == ("behaald", "1.0 item 3.8")
    assert carried("4.3") == (None, "1.0 item 3.9")
    # New and merged items start unanswered, whatever their code meant in 1.0.
    for code in ("2.3", "1.5", "4.5", "5.1"):
        fresh = answer(opened, ALMERE, code)
        assert (fresh.carried_over, fresh.level, fresh.explanation) == (False, None, "")
    assert answer(opened, ALMERE, "4.1").level.norm_version == norm_2
    event = AuditEvent.objects.get(name="round.opened", round=opened)
    assert event.data["carried_over"] == sum(1 for row in rows(opened) if row[7]) > 0


def test_without_a_mapping_nothing_carries_over_to_a_new_version(rated_on_1_0, norm_2):
    opened = draft("on-2-0-unmapped", rated_on_1_0, norm_version=norm_2)
    count = services.round_open(actor=None, monitoring_round=opened)
    assert count > 0
    assert not Answer.objects.filter(assessment__round=opened, carried_over=True).exists()
    assert not Answer.objects.filter(assessment__round=opened, level__isnull=False).exists()
    assert rows(opened) == expected_rows(opened, None)
