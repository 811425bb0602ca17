"""The number of SQL queries of each page and API call must not grow with the number of
organisations or items. Each case is measured twice on one synthetic installation: for the
region of 7 (Flevoland, Flevolandse Norm, 36 items) and for a larger national region (30
organisations, a synthetic norm with more items), and the counts must be equal."""

from collections.abc import Callable

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from normmonitor.api.services import token_create
from normmonitor.assessments.models import Answer
from normmonitor.benchdata.build import build
from normmonitor.rounds.models import MonitoringRound

pytestmark = pytest.mark.django_db

SMALL, LARGE = "flevoland", "nederland"


@pytest.fixture
def installation():
    build(organisations=30, rounds=2, ambitions=30, audit=False)
    return {
        key: MonitoringRound.objects.select_related("norm_version").get(
            region__key=key, state="open"
        )
        for key in (SMALL, LARGE)
    }


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def api_for(username: str) -> Client:
    raw = token_create(actor=None, user=get_user_model().objects.get(username=username), name="q")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw[1]}")


def count(call: Callable[[], object]) -> int:
    call()  # warm up: caches of the norm model, content types, the token's last use
    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code in {200, 302}, (response.status_code, response.content[:500])
    return len(captured.captured_queries)


def assert_same(small: Callable[[], object], large: Callable[[], object]) -> None:
    assert count(small) == count(large)


def counts(cases: dict[str, tuple[Callable, Callable]]) -> dict[str, tuple[int, int]]:
    """Case → (queries small, queries large); one assertion over all cases shows every miss."""
    return {name: (count(small), count(large)) for name, (small, large) in cases.items()}


def unequal(measured: dict[str, tuple[int, int]]) -> dict[str, tuple[int, int]]:
    return {name: pair for name, pair in measured.items() if pair[0] != pair[1]}


def test_the_installation_differs_in_organisations_and_items(installation):
    small, large = installation[SMALL], installation[LARGE]
    assert small.assessments.count() == 7 and large.assessments.count() == 30
    assert (
        Answer.objects.filter(
            assessment__round=large, assessment__organisation__code="GM0034"
        ).count()
        > Answer.objects.filter(
            assessment__round=small, assessment__organisation__code="GM0034"
        ).count()
    )


def test_coordinator_pages(installation):
    def call(region_key: str, page: str):
        client = client_for(f"bench-coordinator-{region_key}")
        key = installation[region_key].key
        url = {
            "dashboard": reverse("dashboard:round", args=[key]),
            "start page": reverse("dashboard:home"),
            "organisation page": reverse("organisations:detail", args=["GM0034"]),
            "assessment page": reverse("assessments:detail", args=[key, "GM0034"]),
        }[page]
        return lambda: client.get(url)

    pages = ("dashboard", "start page", "organisation page", "assessment page")
    measured = counts({page: (call(SMALL, page), call(LARGE, page)) for page in pages})
    assert unequal(measured) == {}


def _save(client: Client, monitoring_round: MonitoringRound):
    answer = Answer.objects.get(
        assessment__round=monitoring_round,
        assessment__organisation__code="GM0034",
        requirement__code="1.1",
    )
    url = reverse("assessments:answer", args=[monitoring_round.key, "GM0034", answer.pk])
    level = monitoring_round.norm_version.scale.get(code="behaald").pk

    def call():
        version = Answer.objects.get(pk=answer.pk).version
        prefix = f"a{answer.pk}"
        return client.post(
            url,
            {f"{prefix}-level": level, f"{prefix}-version": version, f"{prefix}-explanation": ""},
            HTTP_HX_REQUEST="true",
        )

    return call


def test_saving_an_item(installation):
    client = client_for("bench-gm0034")
    small, large = _save(client, installation[SMALL]), _save(client, installation[LARGE])
    # The version is read in the call itself: one query more on both sides.
    assert_same(small, large)


def test_fill_in_page(installation):
    client = client_for("bench-gm0034")

    def call(region_key: str):
        url = reverse("assessments:fill", args=[installation[region_key].key, "GM0034"])
        return lambda: client.get(url)

    assert_same(call(SMALL), call(LARGE))


def test_editor_start_page(installation):
    small = client_for("bench-gm0034")
    large = client_for("bench-gm0014")  # Groningen: a municipality of another province
    url = reverse("dashboard:home")
    assert_same(lambda: small.get(url), lambda: large.get(url))


API_READS = (
    "/api/v1/rounds/{key}",
    "/api/v1/rounds/{key}/assessments?pageSize=500",
    "/api/v1/rounds/{key}/assessments/GM0034",
    "/api/v1/rounds/{key}/assessments/GM0034/score",
    "/api/v1/rounds/{key}/assessments/GM0034/answers/1.1",
    "/api/v1/rounds/{key}/scores",
    "/api/v1/comparisons?round={key}&baseRound={previous}",
    "/api/v1/rounds?region={region}",
    "/api/v1/organisations?region={region}&pageSize=500",
    "/api/v1/regions/{region}",
    "/api/v1/norm-versions/{norm_version}",
    "/api/v1/norms",
)


def test_api_reads(installation):
    clients = {key: api_for(f"bench-coordinator-{key}") for key in (SMALL, LARGE)}

    def call(region_key: str, path: str):
        monitoring_round = installation[region_key]
        url = path.format(
            key=monitoring_round.key,
            previous=monitoring_round.previous.key,
            region=region_key,
            norm_version=monitoring_round.norm_version_id,
        )
        return lambda: clients[region_key].get(url)

    measured = counts({path: (call(SMALL, path), call(LARGE, path)) for path in API_READS})
    assert unequal(measured) == {}


def test_api_write(installation):
    client = api_for("bench-gm0034")

    def call(region_key: str):
        url = f"/api/v1/rounds/{installation[region_key].key}/assessments/GM0034/answers/1.1"

        def patch():
            etag = Answer.objects.get(
                assessment__round=installation[region_key],
                assessment__organisation__code="GM0034",
                requirement__code="1.1",
            ).version
            return client.patch(
                url, {"owner": "x"}, content_type="application/json", HTTP_IF_MATCH=f'"{etag}"'
            )

        return patch

    assert_same(call(SMALL), call(LARGE))
