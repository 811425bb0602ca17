"""Management services: permission first, one change, one audit event."""

import pytest
from django.contrib.auth import get_user_model

from normmonitor.access.models import Membership, Role
from normmonitor.audit.models import AuditEvent
from normmonitor.beheer import services
from normmonitor.core.exceptions import InvalidState, NotAllowed
from normmonitor.norms.models import NormVersion
from normmonitor.norms.normfile import FLEVOLANDSE_NORM_PATH, NormFileError
from normmonitor.organisations.models import Organisation
from tests.conftest import ALMERE

pytestmark = pytest.mark.django_db

NORM_BYTES = FLEVOLANDSE_NORM_PATH.read_bytes()


def events(name: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(name=name))


def test_loading_a_norm_upload_records_one_event_and_is_idempotent(users):
    document = services.read_norm_upload(NORM_BYTES, "flevoland.yaml")
    first = services.norm_load(actor=users["admin"], document=document)
    again = services.norm_load(actor=users["admin"], document=document)
    assert first.created and not again.created
    assert again.norm_version == first.norm_version
    [event] = events("norm.loaded")
    assert event.actor == users["admin"]
    assert event.data["norm"] == "flevolandse-norm" and event.data["revision"] == 1


def test_a_broken_norm_upload_lists_its_problems_and_loads_nothing(users):
    broken = NORM_BYTES.replace(b"themes:", b"themas:", 1)
    with pytest.raises(NormFileError) as raised:
        services.read_norm_upload(broken, "broken.yaml")
    assert raised.value.problems
    assert not NormVersion.objects.exists()


def test_a_norm_upload_must_be_utf8_text(users):
    with pytest.raises(services.InvalidInput):
        services.read_norm_upload(b"\xff\xfe\x00t\x00h", "utf16.yaml")


@pytest.mark.parametrize("who", ["coordinator", "almere", "nobody"])
def test_only_administrators_load_norms(users, who):
    document = services.read_norm_upload(NORM_BYTES, "flevoland.yaml")
    with pytest.raises(NotAllowed):
        services.norm_load(actor=users[who], document=document)
    assert not NormVersion.objects.exists()
    assert not events("norm.loaded")


def test_organisation_update_records_before_and_after(users):
    almere = Organisation.objects.get(code=ALMERE)
    services.organisation_update(
        actor=users["admin"],
        organisation=almere,
        name="Almere",
        type="gemeente",
        cbs_code=almere.cbs_code,
        contact_name="A. Contact",
        contact_email="contact@example.invalid",
    )
    [event] = events("organisation.updated")
    assert event.organisation == almere
    assert event.data["changes"] == {
        "contact_name": ["", "A. Contact"],
        "contact_email": ["", "contact@example.invalid"],
    }
    # Saving the same values again is no change and no event.
    services.organisation_update(actor=users["admin"], organisation=almere, name="Almere")
    assert len(events("organisation.updated")) == 1


def test_coordinator_cannot_change_an_organisation(users):
    almere = Organisation.objects.get(code=ALMERE)
    with pytest.raises(NotAllowed):
        services.organisation_update(actor=users["coordinator"], organisation=almere, name="X")
    almere.refresh_from_db()
    assert almere.name == "Almere"


def test_organisation_create_refuses_a_duplicate_code(users):
    with pytest.raises(services.InvalidInput):
        services.organisation_create(
            actor=users["admin"], code=ALMERE.lower(), name="Twee", type="gemeente"
        )
    created = services.organisation_create(
        actor=users["admin"], code="WS0001", name="Waterschap Zuiderzeeland", type="waterschap"
    )
    assert events("organisation.created")[0].organisation == created


def test_region_members_change_is_recorded(users, region):
    almere = Organisation.objects.get(code=ALMERE)
    others = list(region.members.exclude(pk=almere.pk))
    services.region_set_members(actor=users["admin"], region=region, members=others)
    assert not region.members.filter(pk=almere.pk).exists()
    [event] = events("region.updated")
    assert event.data["removed"] == [ALMERE] and event.data["added"] == []


def test_user_create_validates_the_password_and_records_the_event(users):
    with pytest.raises(services.InvalidInput):
        services.user_create(actor=users["admin"], username="nieuw", password="kort")
    user = services.user_create(
        actor=users["admin"], username="nieuw", password="een-lang-en-ongewoon-wachtwoord"
    )
    assert user.check_password("een-lang-en-ongewoon-wachtwoord")
    assert events("user.created")[0].data["user"] == "nieuw"
    with pytest.raises(services.InvalidInput):
        services.user_create(
            actor=users["admin"], username="NIEUW", password="een-lang-en-ongewoon-wachtwoord"
        )


def test_only_administrators_create_users(users):
    with pytest.raises(NotAllowed):
        services.user_create(
            actor=users["coordinator"], username="x", password="een-lang-en-ongewoon-wachtwoord"
        )
    assert not get_user_model().objects.filter(username="x").exists()


def test_memberships_are_created_and_removed_with_events(users, region):
    user = users["nobody"]
    almere = Organisation.objects.get(code=ALMERE)
    membership = services.membership_create(
        actor=users["admin"], user=user, role=Role.EDITOR, organisation=almere
    )
    assert user.has_perm("organisations.view_organisation", almere)
    with pytest.raises(services.InvalidInput):  # the same role twice
        services.membership_create(
            actor=users["admin"], user=user, role=Role.EDITOR, organisation=almere
        )
    with pytest.raises(services.InvalidInput):  # a coordinator needs a region
        services.membership_create(
            actor=users["admin"], user=user, role=Role.COORDINATOR, organisation=almere
        )
    services.membership_delete(actor=users["admin"], membership=membership)
    assert not user.has_perm("organisations.view_organisation", almere)
    assert [e.name for e in AuditEvent.objects.order_by("id")] == [
        "membership.created",
        "membership.deleted",
    ]


def test_the_last_administrator_keeps_the_role(users):
    membership = Membership.objects.get(user=users["admin"], role=Role.ADMINISTRATOR)
    with pytest.raises(InvalidState):
        services.membership_delete(actor=users["admin"], membership=membership)
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_nobody_deactivates_themselves(users):
    with pytest.raises(InvalidState):
        services.user_set_active(actor=users["admin"], user=users["admin"], active=False)
    services.user_set_active(actor=users["admin"], user=users["almere"], active=False)
    users["almere"].refresh_from_db()
    assert not users["almere"].is_active
    assert events("user.deactivated")[0].data["user"] == "almere"
