"""Who may do what with documents (access/policy.py)."""

import pytest

from normmonitor.access.policy import forget_grants
from normmonitor.documentscan import services
from normmonitor.documentscan.selectors import document_organisations
from normmonitor.organisations.models import Organisation
from tests.conftest import ALMERE, LELYSTAD

pytestmark = pytest.mark.django_db


def test_permissions(users, region, open_round):
    almere = Organisation.objects.get(code=ALMERE)
    lelystad = Organisation.objects.get(code=LELYSTAD)
    assessment = open_round.assessments.get(organisation=almere)
    expected = {
        # user: (upload Almere, view Almere, view Lelystad, adopt into Almere, region, manage)
        "almere": (True, True, False, True, True, False),
        "lelystad": (False, False, True, False, True, False),
        "almere_reader": (False, False, False, False, False, False),
        "coordinator": (False, True, True, False, True, True),
        "admin": (False, True, True, False, True, True),
        "nobody": (False, False, False, False, False, False),
    }
    for name, wanted in expected.items():
        user = users[name]
        got = (
            user.has_perm("documentscan.upload_document", almere),
            user.has_perm("documentscan.view_document", almere),
            user.has_perm("documentscan.view_document", lelystad),
            user.has_perm("documentscan.adopt_findings", assessment),
            user.has_perm("documentscan.view_region_documents", region),
            user.has_perm("documentscan.manage_region_documents", region),
        )
        assert got == wanted, name


def test_sharing_opens_the_region_to_its_editors(users, region):
    almere = Organisation.objects.get(code=ALMERE)
    lelystad = Organisation.objects.get(code=LELYSTAD)
    editor = users["lelystad"]
    assert set(document_organisations(editor)) == {lelystad}
    services.region_setting_update(
        actor=users["coordinator"], region=region, editors_see_region=True
    )
    forget_grants(editor)
    assert editor.has_perm("documentscan.view_document", almere)
    assert not editor.has_perm("documentscan.upload_document", almere)
    assert set(document_organisations(editor)) == set(region.members.all())
    assert not users["almere_reader"].has_perm("documentscan.view_document", lelystad)
