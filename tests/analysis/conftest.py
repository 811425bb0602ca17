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
