"""Pure parts of the analysis: carrying outcomes across versions, comparing, and pace."""

from datetime import date
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from normmonitor.analysis.compare import compare_items, compare_outcomes, grade, summary
from normmonitor.analysis.pace import (
    ItemPace,
    add_period,
    next_due,
    organisation_pace,
    recurrence_state,
)
from normmonitor.analysis.versions import combine, tally, translate
from normmonitor.scoring import ItemOutcome, score_organisation

RANK = {"behaald": 3, "gedeeltelijk": 2, "niet-behaald": 1}


def all_achieved(model, kind="gemeente", **overrides):
    ratings = {
        item.code: "behaald" for item in model.items if not item.derived and kind in item.applies_to
    }
    ratings.update(overrides)
    return score_organisation(model, kind, ratings).items


# -- versions ------------------------------------------------------------------------------


def test_translate_follows_same_split_merged_new_and_dropped(
    flevoland_model, norm2_model, item_map_1_to_2
):
    outcomes = all_achieved(flevoland_model, **{"3.8": "niet-behaald", "4.2": "gedeeltelijk"})
    carried = translate(outcomes, [item_map_1_to_2], norm2_model, "gemeente")
    assert set(carried) == {item.code for item in norm2_model.items}
    assert carried["4.1"].status == carried["4.2"].status == "not_achieved"  # split from 3.8
    assert carried["4.3"].status == "achieved"  # 3.9, renumbered
    merged = carried["5.1"]  # 4.1 achieved + 4.2 partial
    assert (merged.status, merged.score) == ("not_achieved", Fraction(3, 4))
    assert (merged.achieved_children, merged.applicable_children) == (1, 2)
    assert carried["1.5"] is None and carried["2.3"] is None  # new: nothing to carry
    assert carried["3.8"].status == "excluded"  # a new item reusing a code; police and OM only
    assert carried["3.5.J"].status == "excluded"  # does not apply to a gemeente
    assert carried["3.5.D"].status == "achieved"
    total, by_theme, without = tally(norm2_model, carried)
    assert without == 3  # 1.5, 2.3 and 4.5 have no history
    assert total.applicable == 24 - 3
    assert by_theme["4"].applicable == 4  # 4.1-4.4 from 3.8-3.10


def test_translate_back_and_forth(flevoland_model, norm2_model, item_map_1_to_2):
    outcomes = all_achieved(flevoland_model, kind="provincie", **{"4.1": "niet-behaald"})
    there = translate(outcomes, [item_map_1_to_2], norm2_model, "provincie")
    assert there["5.1"].status == "not_achieved"
    assert there["1.4"].status == "excluded"
    back = translate(there, [item_map_1_to_2.inverse()], flevoland_model, "provincie")
    # A merge read backwards is a split: both parts inherit the merged outcome.
    assert back["4.1"].status == back["4.2"].status == "not_achieved"
    assert back["2.2"].status == "excluded"  # provincie: not applicable anyway
    assert translate(outcomes, []) == dict(outcomes)


def test_combine_follows_the_derived_rule():
    a = ItemOutcome("a", "achieved", "behaald", Fraction(1))
    b = ItemOutcome("b", "not_applicable", "nvt")
    c = ItemOutcome("c", "unanswered")
    assert combine("m", [a, b]).status == "achieved"
    assert combine("m", [a, c]).status == "unanswered"
    assert combine("m", [b]).status == "not_applicable"
    assert combine("m", [ItemOutcome("x", "excluded")]).status == "excluded"
    assert combine("m", [None, None]) is None
    assert combine("m", [a, None]).status == "achieved"


# -- comparison ----------------------------------------------------------------------------


def outcome(status, level=None, score=None):
    return ItemOutcome("x", status, level, score)


def test_grades_follow_the_scoring_rules():
    achieved = outcome("achieved", "behaald", Fraction(1))
    partial = outcome("not_achieved", "gedeeltelijk", Fraction(1, 2))
    missing = outcome("not_achieved", "niet-behaald", Fraction(0))
    unanswered = outcome("unanswered")
    ordered = [unanswered, missing, partial, achieved]
    grades = [grade(o) for o in ordered]
    assert grades == sorted(grades)
    assert len(set(grades)) == 4
    merged = ItemOutcome("m", "achieved", None, Fraction(1), 2, 2)  # carried, no level
    assert compare_outcomes(merged, achieved, RANK) == 0
    second_best = outcome("achieved", "behaald-met-voorbehoud", Fraction(1))
    assert compare_outcomes(achieved, second_best, {**RANK, "behaald-met-voorbehoud": 2}) == -1
    three_of_five = ItemOutcome("d", "not_achieved", None, Fraction(3, 5), 3, 5)
    four_of_six = ItemOutcome("d", "not_achieved", None, Fraction(3, 5), 4, 6)
    assert compare_outcomes(three_of_five, four_of_six, RANK) == 1


def test_compare_classifies_every_item():
    before = {
        "a": outcome("not_achieved", "niet-behaald", Fraction(0)),
        "b": outcome("achieved", "behaald", Fraction(1)),
        "c": outcome("achieved", "behaald", Fraction(1)),
        "d": outcome("not_applicable", "nvt"),
        "e": outcome("achieved", "behaald", Fraction(1)),
        "f": outcome("excluded"),
    }
    after = {
        "a": outcome("achieved", "behaald", Fraction(1)),
        "b": outcome("not_achieved", "gedeeltelijk", Fraction(1, 2)),
        "c": outcome("achieved", "behaald", Fraction(1)),
        "d": outcome("unanswered"),
        "e": outcome("not_applicable", "nvt"),
        "f": outcome("excluded"),
        "g": outcome("unanswered"),
    }
    changes = compare_items(
        "O",
        before,
        after,
        order=list("abcdefg"),
        level_rank=RANK,
        dropped={"z": outcome("achieved", "behaald", Fraction(1)), "y": outcome("excluded")},
    )
    kinds = {change.item: change.change for change in changes}
    assert kinds == {
        "a": "improved",
        "b": "worsened",
        "c": "unchanged",
        "d": "new",
        "e": "no_longer_applicable",
        "g": "new",
        "z": "no_longer_applicable",
    }
    assert summary(changes) == {
        "improved": 1,
        "worsened": 1,
        "new": 2,
        "no_longer_applicable": 2,
        "unchanged": 1,
    }
    assert [c.item for c in changes if c.changed] == list("abdegz")


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.sampled_from(["behaald", "gedeeltelijk", "niet-behaald", "nvt", None]), min_size=1)
)
def test_comparing_a_round_with_itself_changes_nothing(levels):
    weights = {"behaald": Fraction(1), "gedeeltelijk": Fraction(1, 2), "niet-behaald": Fraction(0)}
    outcomes = {}
    for index, level in enumerate(levels):
        if level is None:
            outcomes[str(index)] = ItemOutcome(str(index), "unanswered")
        elif level == "nvt":
            outcomes[str(index)] = ItemOutcome(str(index), "not_applicable", level)
        else:
            status = "achieved" if level == "behaald" else "not_achieved"
            outcomes[str(index)] = ItemOutcome(str(index), status, level, weights[level])
    changes = compare_items("O", outcomes, outcomes, order=list(outcomes), level_rank=RANK)
    assert all(change.change == "unchanged" for change in changes)
    assert len(changes) == sum(level != "nvt" for level in levels)


# -- pace ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "period", "expected"),
    [
        (date(2022, 3, 1), "P1Y", date(2023, 3, 1)),
        (date(2020, 2, 29), "P1Y", date(2021, 2, 28)),
        (date(2022, 1, 31), "P1M", date(2022, 2, 28)),
        (date(2022, 11, 15), "P2M", date(2023, 1, 15)),
        (date(2022, 1, 1), "P2W", date(2022, 1, 15)),
        (date(2022, 1, 1), "P1Y6M10D", date(2023, 7, 11)),
        (date(2022, 1, 1), "P2Y", date(2024, 1, 1)),
    ],
)
def test_add_period(start, period, expected):
    assert add_period(start, period) == expected


@pytest.mark.parametrize("period", ["", "P", "1Y", "PXY"])
def test_add_period_refuses_what_is_no_period(period):
    with pytest.raises(ValueError):
        add_period(date(2022, 1, 1), period)


def test_recurring_duty_falls_overdue_by_itself():
    done = date(2022, 3, 1)
    assert next_due(done, "P1Y") == date(2023, 3, 1)
    assert recurrence_state(date(2022, 12, 1), done, "P1Y") == "ok"
    assert recurrence_state(date(2023, 2, 15), done, "P1Y") == "due_soon"
    assert recurrence_state(date(2023, 3, 1), done, "P1Y") == "due_soon"  # due today
    assert recurrence_state(date(2023, 3, 2), done, "P1Y") == "overdue"
    assert recurrence_state(date(2023, 3, 2), None, "P1Y") == "unknown"
    assert recurrence_state(date(2023, 3, 2), done, "") is None


@settings(max_examples=100, deadline=None)
@given(
    st.dates(date(2000, 1, 1), date(2040, 1, 1)),
    st.dates(date(2000, 1, 1), date(2040, 1, 1)),
    st.sampled_from(["P1Y", "P2Y", "P6M", "P1M", "P2W"]),
)
def test_overdue_is_monotone_in_time(done, reference, period):
    """Once overdue, a duty stays overdue as time passes (until it is done again)."""
    if recurrence_state(reference, done, period) == "overdue":
        later = date.fromordinal(reference.toordinal() + 1)
        assert recurrence_state(later, done, period) == "overdue"
    if done <= reference:
        assert recurrence_state(reference, reference, period) != "overdue"


def item(**fields):
    defaults = {
        "organisation": "O",
        "item": "1.1",
        "achieved": False,
        "applicable": True,
        "planned_date": None,
        "recurrence": "",
        "last_done_on": None,
        "reference": date(2022, 10, 1),
        "target_date": date(2022, 6, 30),
    }
    return ItemPace(**{**defaults, **fields})


def test_organisation_behind_its_own_path():
    pace = organisation_pace(
        "O",
        [
            item(item="1.1", planned_date=date(2022, 9, 1)),  # overdue
            item(item="1.2", planned_date=date(2023, 1, 1)),  # planned, later than target
            item(item="1.3"),  # unplanned
            item(item="1.4", achieved=True, planned_date=date(2022, 1, 1)),  # done
            item(item="3.3", achieved=True, recurrence="P1Y", last_done_on=date(2021, 9, 1)),
            item(item="4.4", applicable=False, planned_date=date(2020, 1, 1)),
        ],
    )
    assert pace.behind_own_path
    assert [i.item for i in pace.planned_overdue] == ["1.1"]
    assert [i.item for i in pace.planned_after_target] == ["1.1", "1.2"]
    assert [i.item for i in pace.unplanned] == ["1.3"]
    assert [i.item for i in pace.past_target] == ["1.1", "1.2", "1.3"]
    assert [i.item for i in pace.recurrence_overdue] == ["3.3"]  # achieved, yet overdue
    assert [i.item for i in pace.attention] == ["1.1", "3.3"]
    assert pace.open_items == 3
    assert pace.latest_planned == date(2023, 1, 1)
    on_track = organisation_pace("P", [item(planned_date=date(2022, 12, 1))])
    assert not on_track.behind_own_path
