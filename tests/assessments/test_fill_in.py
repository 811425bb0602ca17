"""Filling in an assessment through the web, and what an editor of another organisation can do
by URL or with a tampered form (nothing)."""

import pytest
from django.urls import reverse

from normmonitor.assessments.models import Answer
from normmonitor.audit.models import AuditEvent
from normmonitor.rounds.services import round_close
from tests.conftest import ALMERE, LELYSTAD

pytestmark = pytest.mark.django_db


def answer_of(monitoring_round, organisation: str, code: str) -> Answer:
    return Answer.objects.select_related("level").get(
        assessment__round=monitoring_round,
        assessment__organisation__code=organisation,
        requirement__code=code,
    )


def post_data(answer: Answer, *, level=None, explanation="", planned="", owner="", version=None):
    prefix = f"a{answer.pk}"
    data = {
        f"{prefix}-explanation": explanation,
        f"{prefix}-planned_date": planned,
        f"{prefix}-owner": owner,
        f"{prefix}-version": answer.version if version is None else version,
    }
    if level is not None:
        data[f"{prefix}-level"] = level.pk
    return data


def save_url(monitoring_round, organisation: str, answer: Answer) -> str:
    return reverse("assessments:answer", args=[monitoring_round.key, organisation, answer.pk])


def test_editor_fills_in_and_the_score_changes(client, users, open_round, norm_version):
    client.force_login(users["almere"])
    page = client.get(reverse("assessments:fill", args=[open_round.key, ALMERE]))
    assert page.status_code == 200
    assert "0 / 36" in page.content.decode()

    achieved = norm_version.scale.get(code="behaald")
    answer = answer_of(open_round, ALMERE, "2.2")
    response = client.post(
        save_url(open_round, ALMERE, answer),
        post_data(answer, level=achieved, explanation="Aangesloten op MMA."),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="assessment-summary"' in body and 'hx-swap-oob="true"' in body
    assert "1 / 36" in body
    # 1 of 22 ambitions achieved: 4.5% → "5%" (half up).
    assert "5%" in body
    saved = answer_of(open_round, ALMERE, "2.2")
    assert saved.level == achieved
    assert saved.explanation == "Aangesloten op MMA."
    assert saved.version == 1
    assert saved.updated_by == users["almere"]
    event = AuditEvent.objects.get(name="answer.updated")
    assert event.data["before"]["level"] is None
    assert event.data["after"]["level"] == "behaald"
    assert event.organisation.code == ALMERE


def test_plain_form_post_without_javascript_redirects_back(client, users, open_round, norm_version):
    client.force_login(users["almere"])
    answer = answer_of(open_round, ALMERE, "1.1")
    response = client.post(
        save_url(open_round, ALMERE, answer),
        post_data(answer, level=norm_version.scale.get(code="behaald")),
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#item-1.1")
    assert answer_of(open_round, ALMERE, "1.1").level.code == "behaald"


def test_invalid_input_is_shown_inline_and_kept(client, users, open_round, norm_version):
    client.force_login(users["almere"])
    answer = answer_of(open_round, ALMERE, "3.1")
    partial = norm_version.scale.get(code="gedeeltelijk")
    response = client.post(
        save_url(open_round, ALMERE, answer),
        post_data(answer, level=partial, owner="Juridisch adviseur", planned="not-a-date"),
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'class="field__errors"' in body
    assert 'value="Juridisch adviseur"' in body  # the user's own input survives
    assert answer_of(open_round, ALMERE, "3.1").level is None


def test_almere_editor_cannot_read_lelystad(client, users, open_round):
    client.force_login(users["almere"])
    for name in ("assessments:detail", "assessments:fill"):
        response = client.get(reverse(name, args=[open_round.key, LELYSTAD]))
        assert response.status_code == 403
    assert client.get(reverse("organisations:detail", args=[LELYSTAD])).status_code == 403
    assert client.get(reverse("dashboard:round", args=[open_round.key])).status_code == 403


def test_tampered_forms_change_nothing(client, users, open_round, norm_version):
    client.force_login(users["almere"])
    achieved = norm_version.scale.get(code="behaald")
    lelystad_answer = answer_of(open_round, LELYSTAD, "2.2")
    # Lelystad's answer id under Almere's URL: not Almere's answer.
    response = client.post(
        save_url(open_round, ALMERE, lelystad_answer), post_data(lelystad_answer, level=achieved)
    )
    assert response.status_code == 404
    # Lelystad's own URL: refused.
    response = client.post(
        save_url(open_round, LELYSTAD, lelystad_answer), post_data(lelystad_answer, level=achieved)
    )
    assert response.status_code == 403
    # A rating id that is not on this norm's scale.
    almere_answer = answer_of(open_round, ALMERE, "2.2")
    data = post_data(almere_answer)
    data[f"a{almere_answer.pk}-level"] = 999999
    response = client.post(save_url(open_round, ALMERE, almere_answer), data)
    assert response.status_code == 400
    assert answer_of(open_round, LELYSTAD, "2.2").level is None
    assert answer_of(open_round, ALMERE, "2.2").level is None
    assert not AuditEvent.objects.filter(name="answer.updated").exists()


def test_reader_and_coordinator_cannot_save(client, users, open_round, norm_version):
    answer = answer_of(open_round, ALMERE, "2.2")
    for who in ("almere_reader", "coordinator", "lelystad", "nobody"):
        client.force_login(users[who])
        response = client.post(
            save_url(open_round, ALMERE, answer),
            post_data(answer, level=norm_version.scale.get(code="behaald")),
        )
        assert response.status_code == 403, who
    assert answer_of(open_round, ALMERE, "2.2").level is None


def test_closed_round_refuses_edits(client, users, open_round, norm_version):
    round_close(actor=None, monitoring_round=open_round)
    client.force_login(users["almere"])
    answer = answer_of(open_round, ALMERE, "2.2")
    response = client.post(
        save_url(open_round, ALMERE, answer),
        post_data(answer, level=norm_version.scale.get(code="behaald")),
    )
    assert response.status_code == 403
    assert answer_of(open_round, ALMERE, "2.2").level is None


def test_second_save_from_a_stale_version_is_refused(client, users, open_round, norm_version):
    client.force_login(users["almere"])
    answer = answer_of(open_round, ALMERE, "1.2")
    first = post_data(answer, level=norm_version.scale.get(code="behaald"), explanation="Eerste")
    second = post_data(
        answer, level=norm_version.scale.get(code="niet-behaald"), explanation="Tweede"
    )
    assert client.post(save_url(open_round, ALMERE, answer), first).status_code == 302
    response = client.post(save_url(open_round, ALMERE, answer), second, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "Eerste" in body  # the other's version is shown
    assert "Tweede</textarea>" in body  # and the user's own input is kept
    saved = answer_of(open_round, ALMERE, "1.2")
    assert saved.explanation == "Eerste"
    assert saved.version == 1
    # Having seen the other version, saving again is a deliberate overwrite and succeeds.
    assert f'name="a{answer.pk}-version" value="1"' in body
    second[f"a{answer.pk}-version"] = 1
    assert client.post(save_url(open_round, ALMERE, answer), second).status_code == 302
    assert answer_of(open_round, ALMERE, "1.2").explanation == "Tweede"


def test_anonymous_users_are_sent_to_login(client, open_round):
    response = client.get(reverse("assessments:fill", args=[open_round.key, ALMERE]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
