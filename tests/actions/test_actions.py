"""Actions, the bottleneck list, and the reminders."""

from datetime import date
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from normmonitor.access.models import Role
from normmonitor.actions import services
from normmonitor.actions.models import Action, ActionStatus, ReminderLog
from normmonitor.actions.reminders import deadline_step, send_reminders
from normmonitor.actions.selectors import region_bottlenecks, visible_actions
from normmonitor.actions.tasks import send_reminders_task
from normmonitor.assessments.models import Answer
from normmonitor.audit.models import AuditEvent
from normmonitor.core.exceptions import NotAllowed, ServiceError
from normmonitor.organisations.models import Organisation
from tests.conftest import ALMERE, LELYSTAD, URK

pytestmark = pytest.mark.django_db


@pytest.fixture
def urk_editor(make_user):
    user = make_user("urk", Role.EDITOR, URK)
    user.email = "urk@example.org"
    user.save()
    return user


@pytest.fixture
def action(open_round, urk_editor):
    urk = Organisation.objects.get(code=URK)
    return services.action_create(
        actor=urk_editor,
        organisation=urk,
        description="Coffeeshops opnemen in het Bibob-beleid.",
        requirement=open_round.norm_version.requirements.get(code="3.5.D"),
        monitoring_round=open_round,
        owner="Bibob-coördinator",
        due_date=date(2023, 3, 1),
    )


def test_create_update_and_comment_are_audited(action, urk_editor, users):
    assert AuditEvent.objects.get(name="action.created").data["action"] == action.pk
    updated = services.action_update(
        actor=users["coordinator"],
        action=action,
        description=action.description,
        owner="Bibob-coördinator",
        due_date=date(2023, 6, 1),
        status=ActionStatus.DONE,
    )
    assert updated.closed_at is not None
    event = AuditEvent.objects.get(name="action.updated")
    assert event.data["before"]["status"] == "open" and event.data["after"]["status"] == "done"
    services.action_comment(actor=urk_editor, action=updated, text="Vastgesteld.")
    assert AuditEvent.objects.filter(name="action.commented").count() == 1
    assert updated.comments.get().author_name == "urk"


def test_actions_are_scoped_to_the_organisation(action, users, open_round):
    assert list(visible_actions(users["coordinator"])) == [action]
    assert list(visible_actions(users["almere"])) == []
    with pytest.raises(NotAllowed):
        services.action_update(
            actor=users["almere"],
            action=action,
            description="x",
            owner="",
            due_date=None,
            status="open",
        )
    with pytest.raises(NotAllowed):
        services.action_create(
            actor=users["almere_reader"],
            organisation=Organisation.objects.get(code=ALMERE),
            description="x",
        )
    with pytest.raises(ServiceError):  # an item of another type, here the province's
        services.action_create(
            actor=users["coordinator"],
            organisation=Organisation.objects.get(code="PV24"),
            description="x",
            requirement=open_round.norm_version.requirements.get(code="3.5.D"),
        )


def test_action_pages(client, action, users, urk_editor, open_round):
    client.force_login(users["almere"])
    assert client.get(reverse("actions:detail", args=[action.pk])).status_code == 404
    client.force_login(urk_editor)
    assert client.get(reverse("actions:detail", args=[action.pk])).status_code == 200
    response = client.post(
        reverse("actions:new") + f"?organisation={URK}&round={open_round.key}",
        {
            "organisation": URK,
            "round": open_round.key,
            "requirement": open_round.norm_version.requirements.get(code="3.3").pk,
            "description": "Jaarlijkse evaluatie plannen.",
            "owner": "OOV",
            "due_date": "2023-01-15",
        },
    )
    assert response.status_code == 302
    created = Action.objects.get(description="Jaarlijkse evaluatie plannen.")
    assert (created.requirement.code, created.round) == ("3.3", open_round)
    response = client.post(reverse("actions:comment", args=[created.pk]), {"text": "Datum staat."})
    assert response.status_code == 302 and created.comments.count() == 1
    listing = client.get(reverse("actions:list")).content.decode()
    assert "Jaarlijkse evaluatie plannen." in listing
    client.force_login(users["almere"])
    assert client.get(reverse("actions:new") + f"?organisation={URK}").status_code == 403


def test_bottleneck_list_for_the_working_group(client, action, users, open_round, region):
    level = open_round.norm_version.scale.get(code="behaald")
    Answer.objects.filter(assessment__round=open_round).update(level=level)
    missing = open_round.norm_version.scale.get(code="niet-behaald")
    Answer.objects.filter(
        assessment__round=open_round,
        assessment__organisation__code__in=[URK, LELYSTAD],
        requirement__code__in=["3.5.D", "3.5.E"],
    ).update(level=missing)
    bottlenecks = region_bottlenecks(region, date(2023, 4, 1))
    assert [g.code for g in bottlenecks.groups] == ["3.5.D"]
    assert bottlenecks.overdue == [action]
    # Urk's 3.5 D has an action; Urk's 3.5 E and Lelystad's are weak spots without one.
    assert {(s.organisation.code, s.requirement.code) for s in bottlenecks.unaddressed} == {
        (URK, "3.5.E"),
        (LELYSTAD, "3.5.D"),
        (LELYSTAD, "3.5.E"),
    }
    url = reverse("actions:bottlenecks", args=[region.key])
    client.force_login(users["almere"])
    assert client.get(url).status_code == 403
    client.force_login(users["coordinator"])
    page = client.get(url)
    assert page.status_code == 200 and "Coffeeshops" in page.content.decode()


# -- reminders -------------------------------------------------------------------------------


def test_deadline_steps():
    assert deadline_step(20, (14, 7, 1)) is None
    assert deadline_step(14, (14, 7, 1)) == 14
    assert deadline_step(10, (14, 7, 1)) == 14
    assert deadline_step(7, (14, 7, 1)) == 7
    assert deadline_step(0, (14, 7, 1)) == 1
    assert deadline_step(-1, (14, 7, 1)) is None


def test_overdue_action_reminder_is_sent_once_a_week_and_audited(action, urk_editor):
    sent = send_reminders(today=date(2023, 3, 2))
    assert [r.recipient for r in sent] == ["urk@example.org"]
    assert len(mail.outbox) == 1
    assert "Coffeeshops" in mail.outbox[0].body
    assert AuditEvent.objects.filter(name="reminder.sent").count() == 1
    assert send_reminders(today=date(2023, 3, 2)) == []  # idempotent per day
    assert send_reminders(today=date(2023, 3, 8)) == []  # within the week
    assert len(send_reminders(today=date(2023, 3, 9))) == 1
    assert ReminderLog.objects.count() == 2
    action.status = ActionStatus.DONE
    action.save()
    assert send_reminders(today=date(2023, 4, 1)) == []


def test_deadline_reminders_go_to_editors_of_incomplete_assessments(open_round, users):
    for user in (users["almere"], users["lelystad"]):
        user.email = f"{user.username}@example.org"
        user.save()
    level = open_round.norm_version.scale.get(code="behaald")
    Answer.objects.filter(assessment__round=open_round).exclude(
        assessment__organisation__code=ALMERE
    ).update(level=level)
    # Lelystad is complete; Almere is not; the others have no editor with an address.
    assert send_reminders(today=date(2022, 10, 1)) == []  # 31 days before the deadline
    sent = send_reminders(today=date(2022, 10, 20))  # 12 days: the 14-day step
    assert [(r.kind, r.recipient) for r in sent] == [("deadline", "almere@example.org")]
    assert send_reminders(today=date(2022, 10, 21)) == []  # same step
    assert len(send_reminders(today=date(2022, 10, 26))) == 1  # the 7-day step
    assert send_reminders(today=date(2022, 11, 2)) == []  # deadline passed
    assert AuditEvent.objects.filter(name="reminder.sent").count() == 2


def test_remind_command_and_task(action, urk_editor):
    out = StringIO()
    call_command("remind", "--date", "2023-03-02", "--dry-run", stdout=out)
    assert "would send overdue" in out.getvalue() and mail.outbox == []
    out = StringIO()
    call_command("remind", "--date", "2023-03-02", stdout=out)
    assert "1 reminder(s) sent" in out.getvalue() and len(mail.outbox) == 1
    out = StringIO()
    call_command("remind", "--date", "2023-03-02", stdout=out)
    assert "0 reminder(s) sent" in out.getvalue()
    result = send_reminders_task.enqueue("2023-03-10")
    assert result.return_value == 1
