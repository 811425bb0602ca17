"""The database refuses a second identical membership, whatever the shape: an administrator (no
organisation, no region), a coordinator (a region) or an editor or reader (an organisation).
A unique constraint over all four columns did not, because two empty (NULL) columns count as
different; this runs on SQLite and on PostgreSQL."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from normmonitor.access.models import Membership, Role
from normmonitor.audit.models import AuditEvent
from normmonitor.organisations.models import Organisation, Region
from tests.conftest import ALMERE, LELYSTAD


@pytest.fixture
def someone(make_user):
    return make_user("someone")


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.COORDINATOR, Role.EDITOR, Role.READER])
def test_the_same_membership_twice_is_refused(someone, region, role):
    scope = {
        Role.ADMINISTRATOR: {},
        Role.COORDINATOR: {"region": region},
        Role.EDITOR: {"organisation": Organisation.objects.get(code=ALMERE)},
        Role.READER: {"organisation": Organisation.objects.get(code=ALMERE)},
    }[role]
    Membership.objects.create(user=someone, role=role, **scope)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=someone, role=role, **scope)
    assert Membership.objects.filter(user=someone).count() == 1


@pytest.mark.django_db
def test_different_memberships_of_one_user_are_allowed(someone, region, make_user):
    almere = Organisation.objects.get(code=ALMERE)
    elders = Region.objects.create(key="elders", name="Elders")
    Membership.objects.create(user=someone, role=Role.ADMINISTRATOR)
    Membership.objects.create(user=someone, role=Role.COORDINATOR, region=region)
    Membership.objects.create(user=someone, role=Role.COORDINATOR, region=elders)
    Membership.objects.create(user=someone, role=Role.EDITOR, organisation=almere)
    Membership.objects.create(user=someone, role=Role.READER, organisation=almere)
    Membership.objects.create(
        user=someone, role=Role.EDITOR, organisation=Organisation.objects.get(code=LELYSTAD)
    )
    other = make_user("other")
    Membership.objects.create(user=other, role=Role.ADMINISTRATOR)
    Membership.objects.create(user=other, role=Role.COORDINATOR, region=region)
    Membership.objects.create(user=other, role=Role.EDITOR, organisation=almere)
    assert Membership.objects.count() == 9


@pytest.mark.django_db(transaction=True)
def test_the_migration_removes_existing_duplicates_and_records_it(region, make_user):
    executor = MigrationExecutor(connection)
    executor.migrate([("access", "0001_initial")])
    try:
        old = executor.loader.project_state([("access", "0001_initial")]).apps
        OldMembership = old.get_model("access", "Membership")
        user = make_user("twice")
        almere = Organisation.objects.get(code=ALMERE)
        kept = [
            OldMembership.objects.create(user_id=user.pk, role="administrator").pk,
            OldMembership.objects.create(
                user_id=user.pk, role="coordinator", region_id=region.pk
            ).pk,
            OldMembership.objects.create(
                user_id=user.pk, role="editor", organisation_id=almere.pk
            ).pk,
        ]
        # Each accepted by the old constraint.
        removed = [
            OldMembership.objects.create(user_id=user.pk, role="administrator").pk,
            OldMembership.objects.create(
                user_id=user.pk, role="coordinator", region_id=region.pk
            ).pk,
            OldMembership.objects.create(
                user_id=user.pk, role="editor", organisation_id=almere.pk
            ).pk,
        ]
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert sorted(Membership.objects.filter(user=user).values_list("pk", flat=True)) == kept
    event = AuditEvent.objects.get(name="membership.duplicates_removed")
    assert sorted(event.data["memberships"]) == removed
