"""The working group's review: submit, review item by item, request a change, revise, resubmit,
approve; four eyes; deviations (maatwerk) and their effect on the score; comment threads;
optimistic locking of review decisions."""

import pytest
from django.test import Client
from django.urls import reverse

from normmonitor.access.models import Membership, Role
from normmonitor.access.policy import forget_grants
from normmonitor.assessments import services
from normmonitor.assessments.models import Answer, ReviewComment
from normmonitor.assessments.selectors import round_score
from normmonitor.audit.models import AuditEvent
from normmonitor.core.exceptions import InvalidState, NotAllowed, StaleVersion
from normmonitor.rounds.services import round_start_review
from tests.assessments.conftest import answer
from tests.conftest import ALMERE, LELYSTAD

pytestmark = pytest.mark.django_db


def url(name, assessment, *args):
    return reverse(
        f"assessments:{name}", args=[assessment.round.key, assessment.organisation.code, *args]
    )


def review(client, assessment, code, decision, comment=""):
    item = answer(assessment, code)
    return client.post(
        url("review_item", assessment, item.pk),
        {"decision": decision, "comment": comment, "version": item.version},
    )


def test_submit_review_revise_resubmit_approve(client, users, filled, norm_version):
    editor, coordinator = Client(), Client()
    editor.force_login(users["almere"])
    coordinator.force_login(users["coordinator"])
    # The editor submits.
    response = editor.post(url("submit", filled), {"version": filled.version})
    assert response.status_code == 302
    filled.refresh_from_db()
    assert filled.status == "submitted" and filled.submitted_by == users["almere"]
    # Submitted: the editor can no longer change anything.
    assert editor.get(url("fill", filled)).status_code == 403
    # The coordinator accepts every item but 3.1, where a change is requested.
    page = coordinator.get(url("review", filled))
    assert page.status_code == 200
    for item in Answer.objects.filter(assessment=filled).select_related("requirement"):
        if item.requirement.code != "3.1":
            assert review(coordinator, filled, item.requirement.code, "accept").status_code == 302
    assert review(coordinator, filled, "3.1", "request_change").status_code == 302  # no comment
    assert answer(filled, "3.1").review_status == "pending"  # refused: a comment is required
    review(coordinator, filled, "3.1", "request_change", "Noem het besluit van de raad.")
    assert answer(filled, "3.1").review_status == "changes_requested"
    response = coordinator.post(url("finish_review", filled), {"version": filled.version})
    assert response.status_code == 302
    filled.refresh_from_db()
    assert filled.status == "changes_requested"
    # The editor sees the request, revises the item and submits again.
    fill = editor.get(url("fill", filled)).content.decode()
    assert "Noem het besluit van de raad." in fill
    item = answer(filled, "3.1")
    services.answer_update(
        actor=users["almere"],
        answer=item,
        level=item.level,
        explanation="Vastgesteld door de raad op 1 maart 2022.",
        planned_date=None,
        owner="",
        expected_version=item.version,
    )
    assert answer(filled, "3.1").review_status == "pending"
    filled.refresh_from_db()
    assert editor.post(url("submit", filled), {"version": filled.version}).status_code == 302
    # The coordinator accepts the revised item and approves.
    assert review(coordinator, filled, "3.1", "accept").status_code == 302
    filled.refresh_from_db()
    coordinator.post(url("finish_review", filled), {"version": filled.version})
    filled.refresh_from_db()
    assert filled.status == "approved"
    # The trail shows every step with its actor.
    steps = [
        (event.name, event.actor.username)
        for event in AuditEvent.objects.filter(
            organisation=filled.organisation,
            name__in=[
                "assessment.submitted",
                "assessment.changes_requested",
                "assessment.approved",
                "answer.updated",
            ],
        ).order_by("id")
    ]
    assert steps == [
        ("assessment.submitted", "almere"),
        ("assessment.changes_requested", "coordinator"),
        ("answer.updated", "almere"),
        ("assessment.submitted", "almere"),
        ("assessment.approved", "coordinator"),
    ]
    change = AuditEvent.objects.get(name="answer.reviewed", data__decision="changes_requested")
    assert change.data["comment"] == "Noem het besluit van de raad."


def test_the_editor_cannot_approve(client, users, filled):
    services.assessment_submit(actor=users["almere"], assessment=filled)
    client.force_login(users["almere"])
    assert review(client, filled, "1.1", "accept").status_code == 403
    assert client.post(url("finish_review", filled)).status_code == 403
    assert client.get(url("review", filled)).status_code == 403
    assert answer(filled, "1.1").review_status == "pending"
    with pytest.raises(NotAllowed):
        services.answer_review(
            actor=users["almere"], answer=answer(filled, "1.1"), accept=True, expected_version=1
        )
    assert not AuditEvent.objects.filter(name="answer.reviewed").exists()


def test_nobody_reviews_their_own_entry(client, users, filled, region):
    # A coordinator who is also Almere's editor changed an item and submitted.
    both = users["coordinator"]
    Membership.objects.create(user=both, role=Role.EDITOR, organisation=filled.organisation)
    forget_grants(both)
    item = answer(filled, "2.2")
    services.answer_update(
        actor=both,
        answer=item,
        level=item.level,
        explanation="Door mij ingevuld.",
        planned_date=None,
        owner="",
        expected_version=item.version,
    )
    services.assessment_submit(actor=both, assessment=filled)
    client.force_login(both)
    response = review(client, filled, "2.2", "accept")
    assert response.status_code == 403
    # The page gives the reason (core.exceptions.Refused), not just "no access".
    assert "alert--warning" in response.content.decode()
    assert not both.has_perm("assessments.review_answer", answer(filled, "2.2"))
    with pytest.raises(NotAllowed):
        services.assessment_finish_review(actor=both, assessment=filled)
    # Another coordinator may.
    assert users["admin"].has_perm("assessments.review_answer", answer(filled, "2.2"))


def test_submission_needs_every_item_answered(users, almere):
    with pytest.raises(InvalidState, match="36"):
        services.assessment_submit(actor=users["almere"], assessment=almere)
    almere.refresh_from_db()
    assert almere.status == "draft"


def test_readers_and_other_organisations_cannot_submit(client, users, filled):
    for who in ("almere_reader", "lelystad", "coordinator"):
        client.force_login(users[who])
        assert client.post(url("submit", filled)).status_code == 403, who
    filled.refresh_from_db()
    assert filled.status == "draft"


def test_a_stale_review_decision_is_refused_and_shows_the_other(users, filled, make_user, region):
    services.assessment_submit(actor=users["almere"], assessment=filled)
    second = make_user("second_coordinator", Role.COORDINATOR, region)
    first_client, second_client = Client(), Client()
    first_client.force_login(users["coordinator"])
    second_client.force_login(second)
    item = answer(filled, "1.3")
    data = {"decision": "accept", "comment": "", "version": item.version}
    assert first_client.post(url("review_item", filled, item.pk), data).status_code == 302
    stale = {"decision": "request_change", "comment": "Onvoldoende.", "version": item.version}
    response = second_client.post(url("review_item", filled, item.pk), stale)
    assert response.status_code == 409
    assert "Geaccepteerd" in response.content.decode() or "accepted" in response.content.decode()
    assert answer(filled, "1.3").review_status == "accepted"
    assert not ReviewComment.objects.filter(text="Onvoldoende.").exists()


def test_an_edit_and_a_review_of_the_same_item_cannot_both_win(users, filled):
    services.assessment_submit(actor=users["almere"], assessment=filled)
    services.assessment_return(actor=users["coordinator"], assessment=filled, comment="Terug.")
    item = answer(filled, "1.4")
    services.answer_update(
        actor=users["almere"],
        answer=item,
        level=item.level,
        explanation="Nieuw",
        planned_date=None,
        owner="",
        expected_version=item.version,
    )
    with pytest.raises(StaleVersion):
        services.deviation_propose(
            actor=users["almere"], answer=item, motivation="x", expected_version=item.version
        )


def test_a_deviation_counts_only_once_accepted(client, users, filled, norm_version):
    partial = norm_version.scale.get(code="niet-behaald")
    Answer.objects.filter(assessment=filled, requirement__code="4.4").update(level=partial)
    before = round_score(filled.round, {filled.organisation_id}).by_organisation[ALMERE].total
    assert (before.achieved, before.applicable) == (21, 22)
    item = answer(filled, "4.4")
    editor = Client()
    editor.force_login(users["almere"])
    response = editor.post(
        url("deviation", filled, item.pk),
        {"action": "propose", "motivation": "Wij toetsen via de RIEC-ronde.", "version": 1},
    )
    assert response.status_code == 302
    item = answer(filled, "4.4")
    assert item.deviation_status == "proposed"
    proposed = round_score(filled.round, {filled.organisation_id}).by_organisation[ALMERE].total
    assert (proposed.achieved, proposed.applicable) == (21, 22)  # unchanged
    services.assessment_submit(actor=users["almere"], assessment=filled)
    coordinator = Client()
    coordinator.force_login(users["coordinator"])
    response = coordinator.post(
        url("deviation_decide", filled, item.pk),
        {"decision": "reject", "comment": "", "version": item.version},
    )
    assert answer(filled, "4.4").deviation_status == "proposed"  # a rejection needs a reason
    response = coordinator.post(
        url("deviation_decide", filled, item.pk),
        {"decision": "accept", "comment": "Akkoord, maatwerk.", "version": item.version},
    )
    assert response.status_code == 302
    assert answer(filled, "4.4").deviation_status == "accepted"
    after = round_score(filled.round, {filled.organisation_id}).by_organisation[ALMERE].total
    assert (after.achieved, after.applicable) == (21, 21)  # 4.4 left the denominator
    event = AuditEvent.objects.get(name="deviation.accepted")
    assert event.data["before"] == {"counts_as": "niet-behaald"}
    assert event.data["after"] == {"counts_as": "nvt"}
    assert answer(filled, "4.4").level == partial  # the organisation's own rating is kept


def test_comment_threads_are_for_the_organisation_and_the_working_group(client, users, filled):
    item = answer(filled, "2.1")
    client.force_login(users["almere"])
    thread = url("comments", filled, item.pk)
    assert client.post(thread, {"text": "Vraag: telt het convenant mee?"}).status_code == 302
    client.force_login(users["coordinator"])
    assert "telt het convenant mee?" in client.get(thread).content.decode()
    assert client.post(thread, {"text": "Ja, als het is ondertekend."}).status_code == 302
    client.force_login(users["almere_reader"])
    page = client.get(thread)
    assert page.status_code == 200 and "ondertekend" in page.content.decode()
    assert client.post(thread, {"text": "lezer"}).status_code == 403
    client.force_login(users["lelystad"])
    assert client.get(thread).status_code == 403
    assert ReviewComment.objects.filter(answer=item).count() == 2
    with pytest.raises(PermissionError):
        ReviewComment.objects.filter(answer=item).delete()


def test_in_review_only_returned_assessments_can_change(users, filled, almere, open_round):
    lelystad = type(almere).objects.get(round=open_round, organisation__code=LELYSTAD)
    round_start_review(actor=users["coordinator"], monitoring_round=open_round)
    open_round.refresh_from_db()
    filled.refresh_from_db()
    assert not users["almere"].has_perm("assessments.change_assessment", filled)
    assert not users["lelystad"].has_perm("assessments.change_assessment", lelystad)
    # A returned assessment can be revised during the review.
    filled.status = "changes_requested"
    filled.save(update_fields=["status"])
    assert users["almere"].has_perm("assessments.change_assessment", filled)


def _proposed_deviation(users, filled, code: str) -> Answer:
    """A deviation the editor proposed for ``code``, and the assessment submitted."""
    item = answer(filled, code)
    services.deviation_propose(
        actor=users["almere"], answer=item, motivation="Maatwerk.", expected_version=item.version
    )
    services.assessment_submit(actor=users["almere"], assessment=filled)
    return answer(filled, code)


def test_a_stale_deviation_decision_is_refused_and_shows_the_other(
    users, filled, make_user, region
):
    item = _proposed_deviation(users, filled, "4.4")
    second = make_user("second_coordinator", Role.COORDINATOR, region)
    first_client, second_client = Client(), Client()
    first_client.force_login(users["coordinator"])
    second_client.force_login(second)
    decide = url("deviation_decide", filled, item.pk)
    data = {"decision": "accept", "comment": "Akkoord.", "version": item.version}
    assert first_client.post(decide, data).status_code == 302
    stale = {"decision": "reject", "comment": "Niet akkoord.", "version": item.version}
    response = second_client.post(decide, stale)
    assert response.status_code == 409
    body = response.content.decode()
    assert 'class="alert alert--warning" role="alert"' in body
    assert "Geaccepteerd" in body or "accepted" in body
    assert answer(filled, "4.4").deviation_status == "accepted"
    assert not ReviewComment.objects.filter(text="Niet akkoord.").exists()


def test_a_deviation_is_not_decided_by_who_submitted_it(client, users, filled):
    both = users["coordinator"]
    Membership.objects.create(user=both, role=Role.EDITOR, organisation=filled.organisation)
    forget_grants(both)
    item = answer(filled, "4.4")
    services.deviation_propose(
        actor=both, answer=item, motivation="Maatwerk.", expected_version=item.version
    )
    services.assessment_submit(actor=both, assessment=filled)
    item = answer(filled, "4.4")
    client.force_login(both)
    response = client.post(
        url("deviation_decide", filled, item.pk),
        {"decision": "accept", "comment": "", "version": item.version},
    )
    assert response.status_code == 403
    assert "alert--warning" in response.content.decode()  # the reason, not just "no access"
    assert answer(filled, "4.4").deviation_status == "proposed"


def test_a_decision_that_cannot_be_taken_is_a_message_at_the_item(client, users, filled):
    item = _proposed_deviation(users, filled, "4.4")
    client.force_login(users["coordinator"])
    decide = url("deviation_decide", filled, item.pk)
    data = {"decision": "accept", "comment": "", "version": item.version}
    assert client.post(decide, data, follow=True).status_code == 200  # shows its message
    # Decided already: nothing left to decide, and no success is reported.
    item = answer(filled, "4.4")
    response = client.post(decide, {**data, "version": item.version}, follow=True)
    assert response.redirect_chain[-1][0] == f"{url('review', filled)}#item-4.4"
    messages = [str(message) for message in response.context["messages"]]
    assert len(messages) == 1 and "voorgestelde afwijking" in messages[0]
    # A change requested without saying what: the same.
    other = answer(filled, "1.1")
    response = client.post(
        url("review_item", filled, other.pk),
        {"decision": "request_change", "comment": " ", "version": other.version},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"{url('review', filled)}#item-1.1"
    messages = [str(message) for message in response.context["messages"]]
    assert len(messages) == 1 and "opmerking" in messages[0]
    assert answer(filled, "1.1").review_status == "pending"
