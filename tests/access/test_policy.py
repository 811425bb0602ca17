"""The access policy, asked the way views and services ask it: user.has_perm(name, obj)."""

import pytest

from normmonitor.access.selectors import (
    editable_assessments,
    visible_assessments,
    visible_organisations,
    visible_rounds,
)
from normmonitor.assessments.models import Assessment
from normmonitor.organisations.models import Organisation
from tests.conftest import ALMERE, LELYSTAD

pytestmark = pytest.mark.django_db


def assessment_of(monitoring_round, code: str) -> Assessment:
    return Assessment.objects.get(round=monitoring_round, organisation__code=code)


def test_editor_may_change_only_own_assessment(users, open_round):
    almere, lelystad = assessment_of(open_round, ALMERE), assessment_of(open_round, LELYSTAD)
    editor = users["almere"]
    assert editor.has_perm("assessments.change_assessment", almere)
    assert editor.has_perm("assessments.view_assessment", almere)
    assert not editor.has_perm("assessments.change_assessment", lelystad)
    assert not editor.has_perm("assessments.view_assessment", lelystad)
    assert not editor.has_perm("rounds.view_dashboard", open_round)
    assert not editor.has_perm("rounds.manage_round", open_round)


def test_reader_sees_but_does_not_change(users, open_round):
    almere = assessment_of(open_round, ALMERE)
    reader = users["almere_reader"]
    assert reader.has_perm("assessments.view_assessment", almere)
    assert not reader.has_perm("assessments.change_assessment", almere)
    assert not reader.has_perm("assessments.view_assessment", assessment_of(open_round, LELYSTAD))


def test_coordinator_sees_every_organisation_of_the_region_but_fills_in_none(users, open_round):
    coordinator = users["coordinator"]
    assert coordinator.has_perm("rounds.view_dashboard", open_round)
    assert coordinator.has_perm("rounds.manage_round", open_round)
    for assessment in Assessment.objects.filter(round=open_round):
        assert coordinator.has_perm("assessments.view_assessment", assessment)
        assert not coordinator.has_perm("assessments.change_assessment", assessment)


def test_coordinator_of_another_region_sees_nothing(users, open_round, make_user):
    from normmonitor.organisations.models import Region

    other = Region.objects.create(key="elders", name="Elders")
    outsider = make_user("outsider", "coordinator", other)
    assert not outsider.has_perm("rounds.view_dashboard", open_round)
    assert not outsider.has_perm("assessments.view_assessment", assessment_of(open_round, ALMERE))
    assert not visible_assessments(outsider).exists()
    assert not visible_rounds(outsider).exists()


def test_user_without_membership_has_no_rights(users, open_round):
    nobody = users["nobody"]
    assert not nobody.has_perm("rounds.view_round", open_round)
    assert not visible_organisations(nobody).exists()
    assert not visible_rounds(nobody).exists()


def test_closed_round_cannot_be_changed_by_anyone(users, open_round):
    from normmonitor.rounds.services import round_close

    round_close(actor=users["coordinator"], monitoring_round=open_round)
    almere = assessment_of(open_round, ALMERE)
    for user in users.values():
        assert not user.has_perm("assessments.change_assessment", almere)


def test_selectors_scope_lists_to_the_users_organisations(users, open_round):
    editor = users["almere"]
    assert set(visible_organisations(editor).values_list("code", flat=True)) == {ALMERE}
    assert {a.organisation.code for a in visible_assessments(editor)} == {ALMERE}
    assert {a.organisation.code for a in editable_assessments(editor)} == {ALMERE}
    assert list(visible_rounds(editor)) == [open_round]
    coordinator_orgs = set(visible_organisations(users["coordinator"]))
    assert coordinator_orgs == set(Organisation.objects.filter(regions__key="flevoland"))
    assert not editable_assessments(users["almere_reader"]).exists()
