"""Shared fixtures: the shipped Flevolandse Norm and region, users per role, and rounds.

Data is built through the same service functions the application uses, so tests exercise the
real paths (loading, opening a round) rather than hand-made rows."""

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

import normmonitor.organisations
from normmonitor.access.models import Membership, Role
from normmonitor.norms.models import NormVersion
from normmonitor.norms.services import FLEVOLANDSE_NORM_PATH, load_norm_file
from normmonitor.organisations.models import Organisation, Region
from normmonitor.organisations.services import load_region_fixture
from normmonitor.rounds import services as round_services
from normmonitor.rounds.models import MonitoringRound

FLEVOLAND_FIXTURE = Path(normmonitor.organisations.__file__).parent / "data" / "flevoland.yaml"
PASSWORD = "a-test-password-of-some-length"

ALMERE, LELYSTAD, URK, PROVINCE = "GM0034", "GM0995", "GM0184", "PV24"


@pytest.fixture
def norm_version(db) -> NormVersion:
    return load_norm_file(FLEVOLANDSE_NORM_PATH).norm_version


@pytest.fixture
def region(db) -> Region:
    return load_region_fixture(FLEVOLAND_FIXTURE)


@pytest.fixture
def make_user(db) -> Callable[..., object]:
    def make(username: str, role: str | None = None, scope: object = None):
        user = get_user_model().objects.create_user(username=username, password=PASSWORD)
        if role == Role.ADMINISTRATOR:
            Membership.objects.create(user=user, role=role)
        elif role == Role.COORDINATOR:
            Membership.objects.create(user=user, role=role, region=scope)
        elif role is not None:
            organisation = Organisation.objects.get(code=scope)
            Membership.objects.create(user=user, role=role, organisation=organisation)
        return user

    return make


@pytest.fixture
def users(region, make_user) -> dict[str, object]:
    return {
        "admin": make_user("admin", Role.ADMINISTRATOR),
        "coordinator": make_user("coordinator", Role.COORDINATOR, region),
        "almere": make_user("almere", Role.EDITOR, ALMERE),
        "lelystad": make_user("lelystad", Role.EDITOR, LELYSTAD),
        "almere_reader": make_user("almere_reader", Role.READER, ALMERE),
        "nobody": make_user("nobody"),
    }


@pytest.fixture
def draft_round(norm_version, region) -> MonitoringRound:
    return round_services.round_create(
        actor=None,
        key="flevoland-test",
        name="Flevoland test",
        region=region,
        norm_version=norm_version,
        reference_date=date(2022, 10, 1),
        deadline=date(2022, 11, 1),
    )


@pytest.fixture
def open_round(draft_round) -> MonitoringRound:
    round_services.round_open(actor=None, monitoring_round=draft_round)
    return draft_round


@pytest.fixture
def login(client):
    def log_in(user) -> object:
        client.force_login(user)
        return client

    return log_in
