"""Fixtures for the analysis tests: the shipped norms as pure scoring models (no database)."""

import pytest

from normmonitor.norms.mapping import (
    FLEVOLANDSE_MAPPING_PATH,
    FLEVOLANDSE_NORM_2_PATH,
    read_mapping_file,
)
from normmonitor.norms.normfile import FLEVOLANDSE_NORM_PATH, NormDocument, read_norm_file
from normmonitor.scoring import Item, Level, NormModel


def model_of(document: NormDocument) -> NormModel:
    return NormModel.build(
        items=(
            Item(
                code=spec.code,
                theme=theme.code,
                parent=parent.code if parent else None,
                derived=spec.derived,
                applies_to=frozenset(spec.applies_to),
            )
            for theme, spec, parent, _depth in document.walk()
        ),
        scale=(
            Level(
                code=level.code,
                achieved=level.achieved,
                weight=None if level.weight is None else str(level.weight),
                not_applicable=level.not_applicable,
            )
            for level in document.scale
        ),
        themes=(theme.code for theme in document.themes),
    )


@pytest.fixture(scope="session")
def flevoland_model() -> NormModel:
    return model_of(read_norm_file(FLEVOLANDSE_NORM_PATH))


@pytest.fixture(scope="session")
def norm2_model() -> NormModel:
    return model_of(read_norm_file(FLEVOLANDSE_NORM_2_PATH))


@pytest.fixture(scope="session")
def item_map_1_to_2():
    document1 = read_norm_file(FLEVOLANDSE_NORM_PATH)
    document2 = read_norm_file(FLEVOLANDSE_NORM_2_PATH)
    return read_mapping_file(FLEVOLANDSE_MAPPING_PATH).resolve(
        [spec.code for _t, spec, _p, _d in document1.walk()],
        [spec.code for _t, spec, _p, _d in document2.walk()],
    )


@pytest.fixture
def rate(db):
    """rate(round, level="behaald", **{"GM0184:3.5.D": "niet-behaald"}): set every answer of a
    round to ``level``, then the given organisation:item answers to their own level."""
    from normmonitor.assessments.models import Answer
    from normmonitor.norms.models import ScaleLevel

    def set_levels(monitoring_round, level="behaald", changes=None):
        levels = {
            lv.code: lv
            for lv in ScaleLevel.objects.filter(norm_version=monitoring_round.norm_version)
        }
        answers = Answer.objects.filter(assessment__round=monitoring_round)
        if level is not None:
            answers.update(level=levels[level], carried_over=False)
        for key, code in (changes or {}).items():
            organisation, item = key.split(":")
            updated = answers.filter(
                assessment__organisation__code=organisation, requirement__code=item
            ).update(level=levels[code] if code else None)
            assert updated == 1, key

    return set_levels


@pytest.fixture
def second_round(open_round, rate):
    """The fixture round, closed, and a later round carried over from it (open)."""
    from datetime import date

    from normmonitor.rounds import services as round_services

    rate(open_round, changes={"GM0184:3.5.D": "niet-behaald"})
    round_services.round_close(actor=None, monitoring_round=open_round)
    later = round_services.round_create(
        actor=None,
        key="flevoland-later",
        name="Flevoland later",
        region=open_round.region,
        norm_version=open_round.norm_version,
        reference_date=date(2023, 4, 1),
        deadline=date(2023, 5, 12),
        previous=open_round,
    )
    round_services.round_open(actor=None, monitoring_round=later)
    return later
