"""The optimised engine gives exactly the results of the plain, item-by-item rules."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from normmonitor.scoring import ScoringError, score_organisation, score_region

from . import reference_engine as reference
from .test_properties import cases, regions

MANY = settings(max_examples=300, deadline=None)


@MANY
@given(cases())
def test_organisation_scores_equal_the_reference(case: tuple) -> None:
    norm, organisation_type, ratings = case
    assert score_organisation(norm, organisation_type, ratings) == reference.score_organisation(
        norm, organisation_type, ratings
    )


@MANY
@given(regions())
def test_region_scores_equal_the_reference(case: tuple) -> None:
    norm, organisations = case
    fast, plain = score_region(norm, organisations), reference.score_region(norm, organisations)
    assert fast == plain
    assert fast.mean_of_organisations == plain.mean_of_organisations


@MANY
@given(cases())
def test_invalid_ratings_fail_with_the_reference_message(case: tuple) -> None:
    norm, organisation_type, ratings = case
    for code in [item.code for item in norm.items] + ["no-such-item"]:
        for level in [*(level.code for level in norm.scale), "no-such-level", None]:
            changed = {**ratings, code: level}
            try:
                expected = reference.score_organisation(norm, organisation_type, changed)
            except ScoringError as error:
                with pytest.raises(ScoringError) as raised:
                    score_organisation(norm, organisation_type, changed)
                assert str(raised.value) == str(error)
            else:
                assert score_organisation(norm, organisation_type, changed) == expected
