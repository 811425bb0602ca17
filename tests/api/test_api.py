"""The REST API: the same permissions, validation and audit trail as the web; optimistic
locking; tokens that are hashed, revocable and audited; the NL API conventions."""

import pytest
from django.urls import reverse

from normmonitor.api.models import ApiToken
from normmonitor.api.services import hash_token, token_create, token_revoke
from normmonitor.assessments.models import Answer
from normmonitor.audit.models import AuditEvent
from normmonitor.core.exceptions import NotAllowed
from normmonitor.rounds.services import round_close
from tests.conftest import ALMERE, LELYSTAD

pytestmark = pytest.mark.django_db


def answer_url(monitoring_round, organisation=ALMERE, code="2.2"):
    return f"/api/v1/rounds/{monitoring_round.key}/assessments/{organisation}/answers/{code}"


def stored(monitoring_round, organisation=ALMERE, code="2.2") -> Answer:
    return Answer.objects.select_related("level").get(
        assessment__round=monitoring_round,
        assessment__organisation__code=organisation,
        requirement__code=code,
    )


# -- conventions --------------------------------------------------------------------------------


def test_anonymous_requests_get_401_problem_not_a_login_redirect(api, open_round):
    response = api().get("/api/v1/rounds")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response["API-Version"] == "1.0.0"
    assert response.json()["status"] == 401


def test_trailing_slash_and_unknown_paths_are_problem_404s(api, users):
    client = api(users["admin"])
    for path in ("/api/v1/rounds/", "/api/v1/nothing", "/api/v1/"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response["Content-Type"] == "application/problem+json"
        assert response["API-Version"] == "1.0.0"
    english = client.get("/api/v1/rounds/", HTTP_ACCEPT_LANGUAGE="en").json()["detail"]
    assert "trailing slash" in english


def test_schema_is_public_and_readable_from_other_origins(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert document["info"]["version"] == "1.0.0"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "/api/v1/rounds/{roundKey}/assessments" in document["paths"]
    assert not any(path.endswith("/") for path in document["paths"])
    assert client.get("/api/v1/openapi.yaml").content.startswith(b"openapi: 3.")


def test_lists_are_paged_with_hal_links(api, users, open_round):
    client = api(users["coordinator"])
    response = client.get(f"/api/v1/rounds/{open_round.key}/assessments?pageSize=3&page=2")
    body = response.json()
    assert response.status_code == 200
    assert body["page"] == {"number": 2, "size": 3, "totalElements": 7, "totalPages": 3}
    assert len(body["_embedded"]["assessments"]) == 3
    assert set(body["_links"]) == {"self", "first", "prev", "next", "last"}
    assert (
        body["_links"]["next"]["href"].endswith("page=3&pageSize=3")
        or "page=3" in (body["_links"]["next"]["href"])
    )
    invalid = client.get(f"/api/v1/rounds/{open_round.key}/assessments?pageSize=0")
    assert invalid.status_code == 400
    assert invalid.json()["invalidParams"][0]["name"] == "pageSize"


# -- the web's permissions ----------------------------------------------------------------------


def test_an_editor_sees_only_their_own_assessment(api, users, open_round):
    client = api(users["almere"])
    body = client.get(f"/api/v1/rounds/{open_round.key}/assessments").json()
    assert [a["organisation"]["code"] for a in body["_embedded"]["assessments"]] == [ALMERE]
    assert body["_embedded"]["assessments"][0]["canEdit"] is True
    other = client.get(f"/api/v1/rounds/{open_round.key}/assessments/{LELYSTAD}")
    assert other.status_code == 404
    assert client.get(f"/api/v1/organisations/{LELYSTAD}").status_code == 404
    # The region's figures are the coordinators' (the dashboard): visible round, no right.
    assert client.get(f"/api/v1/rounds/{open_round.key}/scores").status_code == 403


def test_a_coordinator_sees_the_region_but_cannot_change_answers(api, users, open_round):
    client = api(users["coordinator"])
    scores = client.get(f"/api/v1/rounds/{open_round.key}/scores").json()
    assert len(scores["organisations"]) == 7
    assert scores["total"]["applicable"] == 143
    response = client.patch(answer_url(open_round), {"level": "behaald", "version": 0})
    assert response.status_code == 403
    assert stored(open_round).version == 0


def test_someone_without_membership_sees_nothing(api, users, open_round):
    client = api(users["nobody"])
    assert client.get("/api/v1/rounds").json()["page"]["totalElements"] == 0
    assert client.get(f"/api/v1/rounds/{open_round.key}").status_code == 404
    assert client.get("/api/v1/organisations").json()["_embedded"]["organisations"] == []


def test_editor_of_another_organisation_cannot_write(api, users, open_round):
    response = api(users["lelystad"]).patch(
        answer_url(open_round), {"level": "behaald", "version": 0}
    )
    assert response.status_code == 404
    assert stored(open_round).version == 0


def test_a_reader_may_read_but_not_write(api, users, open_round):
    client = api(users["almere_reader"])
    assert client.get(answer_url(open_round)).status_code == 200
    assert client.patch(answer_url(open_round), {"version": 0}).status_code == 403


# -- writing answers ----------------------------------------------------------------------------


def test_editor_saves_an_answer_with_the_web_audit_event(api, users, open_round):
    client = api(users["almere"])
    response = client.patch(
        answer_url(open_round),
        {"level": "behaald", "explanation": "Aangesloten op MMA.", "version": 0},
        REMOTE_ADDR="192.0.2.7",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["level"], body["version"], body["updatedBy"]) == ("behaald", 1, "almere")
    assert response["ETag"] == '"1"'
    answer = stored(open_round)
    assert answer.level.code == "behaald" and answer.explanation == "Aangesloten op MMA."
    event = AuditEvent.objects.get(name="answer.updated")
    assert event.actor == users["almere"]
    assert event.address == "192.0.2.7"
    assert event.data["requirement"] == "2.2"
    assert event.data["after"]["level"] == "behaald"
    # And the score follows, as on the web.
    score = client.get(f"/api/v1/rounds/{open_round.key}/assessments/{ALMERE}/score").json()
    assert score["total"]["achieved"] == 1


def test_partial_update_keeps_other_fields(api, users, open_round):
    client = api(users["almere"])
    client.patch(answer_url(open_round), {"owner": "Team OOV", "version": 0})
    response = client.patch(
        answer_url(open_round),
        {"explanation": "Bijna."},
        HTTP_IF_MATCH='"1"',
        content_type="application/merge-patch+json",
    )
    assert response.status_code == 200, response.content
    answer = stored(open_round)
    assert (answer.owner, answer.explanation, answer.version) == ("Team OOV", "Bijna.", 2)


def test_stale_version_in_body_is_409_and_changes_nothing(api, users, open_round):
    client = api(users["almere"])
    assert client.patch(answer_url(open_round), {"owner": "A", "version": 0}).status_code == 200
    response = client.patch(answer_url(open_round), {"owner": "B", "version": 0})
    assert response.status_code == 409
    assert response.json()["type"] == "urn:normmonitor:problem:stale-version"
    assert response.json()["currentVersion"] == 1
    assert stored(open_round).owner == "A"
    assert AuditEvent.objects.filter(name="answer.updated").count() == 1


def test_stale_if_match_is_412_and_a_missing_version_428(api, users, open_round):
    client = api(users["almere"])
    etag = client.get(answer_url(open_round))["ETag"]
    assert (
        client.patch(answer_url(open_round), {"owner": "A"}, HTTP_IF_MATCH=etag).status_code == 200
    )
    stale = client.patch(answer_url(open_round), {"owner": "B"}, HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert stale["ETag"] == '"1"'
    assert client.patch(answer_url(open_round), {"owner": "C"}).status_code == 428
    assert stored(open_round).owner == "A"


def test_the_web_validation_applies(api, users, open_round):
    client = api(users["almere"])
    missing = client.patch(answer_url(open_round), {"level": "niet-behaald", "version": 0})
    assert missing.status_code == 422
    assert missing.json()["invalidParams"][0]["name"] == "explanation"
    unknown = client.patch(answer_url(open_round), {"level": "excellent", "version": 0})
    assert unknown.status_code == 422
    periodic = client.patch(answer_url(open_round), {"lastDoneOn": "2022-01-01", "version": 0})
    assert periodic.status_code == 422
    malformed = client.patch(answer_url(open_round), {"plannedDate": "soon", "version": 0})
    assert malformed.status_code == 400
    extra = client.patch(answer_url(open_round), {"colour": "red", "version": 0})
    assert extra.status_code == 400
    assert stored(open_round).version == 0


def test_no_changes_once_the_round_is_closed(api, users, open_round):
    round_close(actor=None, monitoring_round=open_round)
    response = api(users["almere"]).patch(answer_url(open_round), {"version": 0})
    assert response.status_code == 403


# -- comparisons --------------------------------------------------------------------------------


def test_comparison_of_two_rounds(api, users, open_round):
    client = api(users["coordinator"])
    response = client.get(f"/api/v1/comparisons?round={open_round.key}&baseRound={open_round.key}")
    body = response.json()
    assert response.status_code == 200
    assert body["total"] == {"round": 0.0, "baseRound": 0.0, "difference": 0.0}
    assert len(body["organisations"]) == 7
    assert client.get("/api/v1/comparisons?round=x&baseRound=y").status_code == 404
    assert client.get("/api/v1/comparisons?round=x").status_code == 400
    assert (
        api(users["almere"])
        .get(f"/api/v1/comparisons?round={open_round.key}&baseRound={open_round.key}")
        .status_code
        == 403
    )


# -- tokens -------------------------------------------------------------------------------------


def test_only_a_hash_of_the_token_is_stored_and_creation_is_audited(users):
    token, raw = token_create(actor=users["almere"], user=users["almere"], name="sync")
    assert raw.startswith("nm_") and len(raw) > 40
    assert token.key_hash == hash_token(raw) and raw not in token.key_hash
    assert not ApiToken.objects.filter(key_hash=raw).exists()
    event = AuditEvent.objects.get(name="api_token.created")
    assert event.actor == users["almere"] and raw not in str(event.data)


def test_nobody_creates_a_token_for_someone_else(users):
    with pytest.raises(NotAllowed):
        token_create(actor=users["admin"], user=users["almere"], name="x")


def test_a_revoked_token_no_longer_works(api, users, open_round):
    token, raw = token_create(actor=None, user=users["almere"], name="sync")
    client = api()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get("/api/v1/rounds").status_code == 200
    token_revoke(actor=users["almere"], token=token)
    assert client.get("/api/v1/rounds").status_code == 401
    assert AuditEvent.objects.filter(name="api_token.revoked", actor=users["almere"]).exists()
    with pytest.raises(NotAllowed):
        token_revoke(actor=users["lelystad"], token=token)


def test_tokens_of_inactive_users_do_not_work(api, users):
    client = api(users["almere"])
    users["almere"].is_active = False
    users["almere"].save()
    assert client.get("/api/v1/rounds").status_code == 401


def test_the_api_page_creates_shows_once_and_revokes_a_token(client, users):
    client.force_login(users["almere"])
    page = client.get(reverse("api:page"))
    assert page.status_code == 200 and "GET" in page.content.decode()
    created = client.post(reverse("api:token-create"), {"name": "Excel", "valid_days": 30})
    assert created.status_code == 200
    raw = created.context["new_token"]
    assert raw in created.content.decode()
    assert raw not in client.get(reverse("api:page")).content.decode()
    token = ApiToken.objects.get(user=users["almere"])
    assert token.expires_at is not None
    response = client.post(reverse("api:token-revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    # Someone else's token cannot be revoked through the page.
    client.force_login(users["lelystad"])
    assert client.post(reverse("api:token-revoke", args=[token.pk])).status_code == 404


def test_the_token_command(users, capsys):
    from django.core.management import call_command

    call_command("api-token", "create", "--user", "almere", "--name", "cli")
    raw = capsys.readouterr().out.strip().splitlines()[-1]
    assert raw.startswith("nm_")
    token = ApiToken.objects.get(key_hash=hash_token(raw))
    call_command("api-token", "list", "--user", "almere")
    assert token.prefix in capsys.readouterr().out
    call_command("api-token", "revoke", str(token.pk))
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_scores_of_a_closed_round_are_remembered_and_equal(api, users, open_round, norm_version):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api(users["coordinator"])
    url = f"/api/v1/rounds/{open_round.key}/scores"
    Answer.objects.filter(assessment__round=open_round, requirement__code="2.2").update(
        level=norm_version.scale.get(code="behaald")
    )
    open_figures = client.get(url).json()
    round_close(actor=None, monitoring_round=open_round)
    first = client.get(url).json()
    with CaptureQueriesContext(connection) as second_queries:
        second = client.get(url).json()
    assert first["total"] == second["total"] == open_figures["total"]
    assert first["total"]["achieved"] == 6
    assert not any("assessments_answer" in q["sql"] for q in second_queries.captured_queries)
