"""Filling in an assessment through the web, and what an editor of another organisation can do
by URL or with a tampered form (nothing)."""

from html.parser import HTMLParser

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from normmonitor.access.models import Role
from normmonitor.assessments import services
from normmonitor.assessments.models import Answer, Assessment, AssessmentStatus, ReviewStatus
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


# -- The item's other forms after an htmx save ----------------------------------------------------


class _Inputs(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.by_id: dict[str, dict[str, str | None]] = {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("id"):
            self.by_id[attributes["id"]] = {"tag": tag, **attributes}


def element(html: str, element_id: str) -> dict[str, str | None] | None:
    """The attributes of the element with that id in the HTML, or None."""
    parser = _Inputs()
    parser.feed(html)
    parser.close()
    return parser.by_id.get(element_id)


def deviation_version(html: str, answer: Answer) -> int:
    """The version the item's deviation form will post, as the HTML gives it."""
    found = element(html, f"deviation-version-{answer.pk}")
    assert found is not None, "no version for the deviation form"
    assert found["tag"] == "input" and found["name"] == "version"
    return int(found["value"])


def propose(client, monitoring_round, answer: Answer, version: int):
    return client.post(
        reverse("assessments:deviation", args=[monitoring_round.key, ALMERE, answer.pk]),
        {"action": "propose", "motivation": "Wij toetsen via de RIEC-ronde.", "version": version},
    )


def test_a_deviation_proposed_right_after_an_htmx_save_is_accepted(
    client, users, open_round, norm_version
):
    """The page is not reloaded after an htmx save: the response gives the item's deviation form
    the new version (out of band), so the next deviation is not refused as stale."""
    client.force_login(users["almere"])
    answer = answer_of(open_round, ALMERE, "4.4")
    page = client.get(reverse("assessments:fill", args=[open_round.key, ALMERE]))
    assert deviation_version(page.content.decode(), answer) == answer.version
    response = client.post(
        save_url(open_round, ALMERE, answer),
        post_data(answer, level=norm_version.scale.get(code="niet-behaald"), explanation="Nee."),
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert "alert--success" in body
    swapped = element(body, f"deviation-version-{answer.pk}")
    assert swapped is not None and swapped["hx-swap-oob"] == "true"
    version = deviation_version(body, answer)
    assert version == answer_of(open_round, ALMERE, "4.4").version == answer.version + 1

    response = propose(client, open_round, answer, version)
    assert response.status_code == 302
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["success"]
    assert answer_of(open_round, ALMERE, "4.4").deviation_status == "proposed"


def test_an_htmx_save_shows_the_items_review_reset(client, users, open_round, norm_version):
    """Saving sends a reviewed item back to the working group: the item's review state on the
    page says so at once."""
    Assessment.objects.filter(round=open_round, organisation__code=ALMERE).update(
        status=AssessmentStatus.CHANGES_REQUESTED
    )
    answer = answer_of(open_round, ALMERE, "2.2")
    Answer.objects.filter(pk=answer.pk).update(review_status=ReviewStatus.CHANGES_REQUESTED)
    client.force_login(users["almere"])
    page = client.get(reverse("assessments:fill", args=[open_round.key, ALMERE])).content.decode()
    state = f'id="review-state-{answer.pk}"'
    assert state in page and "badge--review-changes_requested" in page
    response = client.post(
        save_url(open_round, ALMERE, answer),
        post_data(answer, level=norm_version.scale.get(code="behaald"), explanation="Herzien."),
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert element(body, f"review-state-{answer.pk}")["hx-swap-oob"] == "true"
    assert "badge--review-pending" in body and "badge--review-changes_requested" not in body


def test_after_a_refused_htmx_save_a_deviation_from_the_old_version_is_refused_too(
    client, users, open_round, norm_version, make_user
):
    """Someone else saved in between: the deviation form keeps the version the user saw, and is
    refused with the other's change; once the user has seen it and saved, it is accepted."""
    colleague = make_user("almere_colleague", Role.EDITOR, ALMERE)
    client.force_login(users["almere"])
    answer = answer_of(open_round, ALMERE, "4.4")
    page = client.get(reverse("assessments:fill", args=[open_round.key, ALMERE]))
    seen = deviation_version(page.content.decode(), answer)
    services.answer_update(
        actor=colleague,
        answer=answer,
        level=norm_version.scale.get(code="behaald"),
        explanation="Van de collega.",
        planned_date=None,
        owner="",
        expected_version=seen,
    )
    mine = post_data(answer, level=norm_version.scale.get(code="niet-behaald"), explanation="Nee.")
    response = client.post(save_url(open_round, ALMERE, answer), mine, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "Van de collega." in body  # the conflict is shown
    assert element(body, f"deviation-version-{answer.pk}") is None
    assert element(body, f"review-state-{answer.pk}") is None

    response = propose(client, open_round, answer, seen)
    assert response.status_code == 302
    messages = list(get_messages(response.wsgi_request))
    assert [m.level_tag for m in messages] == ["error"]
    assert "almere_colleague" in str(messages[0])
    assert answer_of(open_round, ALMERE, "4.4").deviation_status == ""

    # Saving again from the version shown is a deliberate overwrite; then the deviation goes.
    mine[f"a{answer.pk}-version"] = seen + 1
    response = client.post(save_url(open_round, ALMERE, answer), mine, HTTP_HX_REQUEST="true")
    version = deviation_version(response.content.decode(), answer)
    assert version == seen + 2
    assert propose(client, open_round, answer, version).status_code == 302
    assert answer_of(open_round, ALMERE, "4.4").deviation_status == "proposed"
