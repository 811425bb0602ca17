"""Fixtures for the reports tests: jobs run inline, a scored round and an earlier closed one."""

from datetime import date

import pytest

from normmonitor.assessments.models import Answer
from normmonitor.norms.models import ScaleLevel
from normmonitor.rounds import services as round_services

ALMERE, LELYSTAD, URK, PROVINCE = "GM0034", "GM0995", "GM0184", "PV24"


@pytest.fixture(autouse=True)
def report_settings(settings, tmp_path):
    settings.NORMMONITOR_REPORTS_WORKER = "inline"
    settings.NORMMONITOR_REPORT_CLASSIFICATION = "Vertrouwelijk"
    settings.DATA_DIR = tmp_path
    return settings


def set_level(monitoring_round, organisation: str, code: str, level: str | None, **fields):
    answers = Answer.objects.filter(
        assessment__round=monitoring_round,
        assessment__organisation__code=organisation,
        requirement__code=code,
    )
    assert answers.exists(), (organisation, code)
    scale = None
    if level is not None:
        scale = ScaleLevel.objects.get(norm_version=monitoring_round.norm_version, code=level)
    answers.update(level=scale, **fields)


def rate_all(monitoring_round, level: str, explanation: str = "") -> None:
    scale = ScaleLevel.objects.get(norm_version=monitoring_round.norm_version, code=level)
    Answer.objects.filter(assessment__round=monitoring_round).update(
        level=scale, explanation=explanation, carried_over=False
    )


@pytest.fixture
def scored_round(open_round, region):
    """Everything achieved, except: Almere 3.10 partly and 4.2 not (with a plan), Urk 1.2 not,
    Lelystad 3.9 unanswered. The region's target date is mid 2022."""
    region.target_date = date(2022, 6, 30)
    region.save(update_fields=["target_date"])
    rate_all(open_round, "behaald", "Op orde.")
    set_level(open_round, ALMERE, "3.10", "gedeeltelijk", explanation="Half klaar.")
    set_level(
        open_round,
        ALMERE,
        "4.2",
        "niet-behaald",
        explanation='=HYPERLINK("http://x")',
        planned_date=date(2023, 3, 1),
        owner="Beleidsadviseur OOV",
    )
    set_level(open_round, URK, "1.2", "niet-behaald", explanation="Nog niet.")
    set_level(open_round, LELYSTAD, "3.9", None, explanation="")
    open_round.refresh_from_db()
    return open_round


@pytest.fixture
def earlier_round(norm_version, region):
    """A closed round a year earlier in which about half was achieved, for the trend."""
    monitoring_round = round_services.round_create(
        actor=None,
        key="flevoland-2021",
        name="Flevoland 2021",
        region=region,
        norm_version=norm_version,
        reference_date=date(2021, 10, 1),
        deadline=date(2021, 11, 1),
    )
    round_services.round_open(actor=None, monitoring_round=monitoring_round)
    rate_all(monitoring_round, "niet-behaald", "Nog niet.")
    for code in ("1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.3", "3.1", "3.3", "3.4", "3.6"):
        Answer.objects.filter(assessment__round=monitoring_round, requirement__code=code).update(
            level=ScaleLevel.objects.get(norm_version=norm_version, code="behaald")
        )
    # Almere had 4.3 then; it is achieved now as well, Urk had 1.2 and lost it.
    round_services.round_close(actor=None, monitoring_round=monitoring_round)
    return monitoring_round
