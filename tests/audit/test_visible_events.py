"""visible_events() returns exactly the events the rules allow, each once, for every kind of
user: compared with a plain Python reading of its docstring on a small trail that has each
case the query must tell apart (it reads lists of ids first and uses partial indexes, see
audit/selectors.py)."""

import pytest

from normmonitor.access.models import Membership, Role
from normmonitor.access.policy import grants_for
from normmonitor.audit.models import AuditEvent
from normmonitor.audit.selectors import visible_events
from normmonitor.audit.services import record
from normmonitor.organisations.models import Organisation, Region
from tests.conftest import ALMERE, LELYSTAD

pytestmark = pytest.mark.django_db


@pytest.fixture
def trail(users, open_round, region, make_user):
    elders = Region.objects.create(key="elders", name="Elders")
    elderveen = Organisation.objects.create(code="GM9999", name="Elderveen", type="gemeente")
    almere = Organisation.objects.get(code=ALMERE)
    lelystad = Organisation.objects.get(code=LELYSTAD)
    elders.members.add(elderveen, almere)  # Almere in two regions: a join would repeat it
    leeg = Region.objects.create(key="leeg", name="Leeg")
    both = make_user("both", Role.COORDINATOR, region)
    Membership.objects.create(user=both, role=Role.COORDINATOR, region=elders)
    elders_coordinator = make_user("elders_coordinator", Role.COORDINATOR, elders)
    leeg_coordinator = make_user("leeg_coordinator", Role.COORDINATOR, leeg)
    record("auth.login", actor=users["almere"], address="10.0.0.1")
    record("answer.updated", actor=users["almere"], organisation=almere, round=open_round)
    record("answer.updated", actor=None, organisation=lelystad)
    record("answer.updated", actor=None, organisation=elderveen)
    # A round of Flevoland with an organisation that is not a member of it.
    record("test.round_only", actor=None, organisation=elderveen, round=open_round)
    # About a region by name only, with and without an organisation of elsewhere.
    record("membership.created", actor=users["admin"], region="flevoland", role="coordinator")
    record("region.member_removed", actor=None, organisation=elderveen, region="flevoland")
    record("membership.created", actor=None, region="elders")
    record("membership.created", actor=None, region="leeg")
    record("test.other_key", actor=None, regio="flevoland")
    record("test.not_a_key", actor=None, region=["flevoland"])
    record("test.null_region", actor=None, region=None)
    record("test.number_region", actor=None, region=7)
    return {
        **users,
        "both": both,
        "elders_coordinator": elders_coordinator,
        "leeg_coordinator": leeg_coordinator,
    }


def expected(user) -> list[int]:
    """The docstring of visible_events, read plainly."""
    grants = grants_for(user)
    members = {
        o.pk
        for r in Region.objects.filter(pk__in=grants.coordinated_regions)
        for o in r.members.all()
    }
    keys = set(
        Region.objects.filter(pk__in=grants.coordinated_regions).values_list("key", flat=True)
    )

    def visible(event: AuditEvent) -> bool:
        if grants.administrator:
            return True
        if not grants.coordinated_regions:
            return False
        region = event.data.get("region") if isinstance(event.data, dict) else None
        return (
            event.organisation_id in members
            or (event.round is not None and event.round.region_id in grants.coordinated_regions)
            or (isinstance(region, str) and region in keys)
        )

    return sorted(e.pk for e in AuditEvent.objects.select_related("round") if visible(e))


WHO = [
    "admin",
    "coordinator",
    "both",
    "elders_coordinator",
    "leeg_coordinator",
    "almere",
    "almere_reader",
    "nobody",
]


@pytest.mark.parametrize("who", WHO)
def test_visible_events_match_the_rules_each_event_once(trail, who):
    user = trail[who]
    found = [e.pk for e in visible_events(user)]
    assert sorted(found) == expected(user)
    assert visible_events(user).count() == len(expected(user))


def test_the_trail_tells_the_cases_apart(trail):
    """Guards the test above against a trail in which the users cannot differ."""

    def names(who):
        return {e.name for e in AuditEvent.objects.filter(pk__in=expected(trail[who]))}

    coordinator = names("coordinator")
    assert {"test.round_only", "region.member_removed", "membership.created"} <= coordinator
    assert not {"auth.login", "test.other_key", "test.not_a_key"} & coordinator
    elders = expected(trail["elders_coordinator"])
    assert elders and elders != expected(trail["coordinator"])
    assert len(expected(trail["both"])) > len(expected(trail["coordinator"]))
    assert names("leeg_coordinator") == {"membership.created"}
    assert expected(trail["almere"]) == []
    assert len(expected(trail["admin"])) == AuditEvent.objects.count()
