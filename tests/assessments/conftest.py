import pytest

from normmonitor.assessments.models import Answer, Assessment
from tests.conftest import ALMERE


@pytest.fixture
def almere(open_round) -> Assessment:
    return Assessment.objects.select_related("round", "organisation").get(
        round=open_round, organisation__code=ALMERE
    )


@pytest.fixture
def filled(almere, users, norm_version) -> Assessment:
    """Almere's assessment with every item rated by its editor (not yet submitted)."""
    achieved = norm_version.scale.get(code="behaald")
    Answer.objects.filter(assessment=almere).update(
        level=achieved, explanation="Op orde.", updated_by=users["almere"], version=1
    )
    return almere


def answer(assessment: Assessment, code: str) -> Answer:
    return Answer.objects.select_related(
        "level", "requirement", "assessment__round", "assessment__organisation"
    ).get(assessment=assessment, requirement__code=code)
