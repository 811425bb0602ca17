"""The scoped selectors return exactly what the grants allow, each row once, compared with a
plain Python reading of the same rules (they filter with subqueries of ids, not joins)."""

from datetime import date

import pytest

from normmonitor.access.models import Membership, Role
from normmonitor.access.policy import grants_for
from normmonitor.access.selectors import visible_organisations, visible_regions, visible_rounds
from normmonitor.organisations.models import Organisation, Region
from normmonitor.rounds import services as round_services
from normmonitor.rounds.models import MonitoringRound
from tests.conftest import ALMERE

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(users, open_round, norm_version, region, make_user):
    """Flevoland and a second region, Elders, that Almere belongs to as well (so a join over
    the regions' members would repeat Almere's rows), each with a round."""
    elders = Region.objects.create(key="elders", name="Elders")
    elders.members.add(
        Organisation.objects.create(code="GM9999", name="Elderveen", type="gemeente"),
        Organisation.objects.get(code=ALMERE),
    )
    for key in ("elders-1", "elders-2"):
        round_services.round_create(
            actor=None,
            key=key,
            name=key,
            region=elders,
            norm_version=norm_version,
            reference_date=date(2022, 10, 1),
            deadline=date(2022, 11, 1),
        )
    Region.objects.create(key="leeg", name="Leeg")
    both = make_user("both", Role.COORDINATOR, region)
    Membership.objects.create(user=both, role=Role.COORDINATOR, region=elders)
    return {
        **users,
        "both": both,
        "elders_coordinator": make_user("elders_coordinator", Role.COORDINATOR, elders),
        "elderveen": make_user("elderveen", Role.EDITOR, "GM9999"),
    }


def expected_regions(user) -> list[int]:
    grants = grants_for(user)
    return sorted(
        r.pk
        for r in Region.objects.prefetch_related("members")
        if grants.administrator
        or r.pk in grants.coordinated_regions
        or {o.pk for o in r.members.all()} & grants.member_organisations
    )


def expected_organisations(user) -> list[int]:
    grants = grants_for(user)
    return sorted(
        o.pk
        for o in Organisation.objects.prefetch_related("regions")
        if grants.administrator
        or o.pk in grants.member_organisations
        or {r.pk for r in o.regions.all()} & grants.coordinated_regions
    )


def expected_rounds(user) -> list[int]:
    grants = grants_for(user)
    return sorted(
        r.pk
        for r in MonitoringRound.objects.prefetch_related("region__members")
        if grants.administrator
        or r.region_id in grants.coordinated_regions
        or {o.pk for o in r.region.members.all()} & grants.member_organisations
    )


@pytest.mark.parametrize(
    "who",
    [
        "admin",
        "coordinator",
        "both",
        "elders_coordinator",
        "almere",
        "almere_reader",
        "elderveen",
        "nobody",
    ],
)
def test_selectors_match_the_rules_each_row_once(world, who):
    user = world[who]
    assert sorted(r.pk for r in visible_regions(user)) == expected_regions(user)
    assert sorted(o.pk for o in visible_organisations(user)) == expected_organisations(user)
    assert sorted(r.pk for r in visible_rounds(user)) == expected_rounds(user)


def test_the_fixture_tells_the_roles_apart(world):
    """Guards the test above against a world in which every user sees the same."""
    assert len(expected_rounds(world["almere"])) == 3  # Flevoland's and Elders' two
    assert len(expected_rounds(world["elderveen"])) == 2
    assert len(expected_rounds(world["coordinator"])) == 1
    assert len(expected_organisations(world["both"])) == 8
    assert expected_regions(world["nobody"]) == []


def test_round_lists_do_not_load_the_norm_document(world, django_assert_num_queries):
    grants_for(world["admin"])  # the memberships, read once per request
    with django_assert_num_queries(1):
        rounds = list(visible_rounds(world["admin"]))
    assert rounds and all("document" in r.norm_version.get_deferred_fields() for r in rounds)
