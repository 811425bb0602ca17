"""The start page: each person's own tasks first, then what they may look at."""

import datetime as dt

import pytest
from django.urls import reverse

from normmonitor.actions.models import Action
from normmonitor.assessments.models import Answer, Assessment
from normmonitor.dashboard import mytasks as tasks_module
from normmonitor.dashboard.mytasks import KIND_CHANGES_REQUESTED, Task, tasks_for
from normmonitor.organisations.models import Organisation
from normmonitor.rounds import services
from normmonitor.rounds.models import MonitoringRound
from tests.conftest import ALMERE, LELYSTAD

pytestmark = pytest.mark.django_db


def test_editor_sees_only_their_own_assessment_to_fill_in(users, open_round):
    [view] = tasks_for(users["almere"], dt.date(2022, 10, 10))
    assert view.url == reverse("assessments:fill", args=[open_round.key, ALMERE])
    assert view.kind == "fill_in"
    assert (view.done, view.total) == (0, 36)
    assert view.due == open_round.deadline
    assert LELYSTAD not in view.url


def test_urgency_follows_the_deadline(users, open_round):
    deadline = open_round.deadline
    assert tasks_for(users["almere"], deadline - dt.timedelta(days=30))[0].urgency == ""
    soon = tasks_for(users["almere"], deadline - dt.timedelta(days=3))[0]
    assert soon.urgency == "due_soon" and soon.days_left == 3
    assert tasks_for(users["almere"], deadline + dt.timedelta(days=1))[0].urgency == "overdue"


def test_coordinator_is_asked_to_open_a_draft_and_follow_an_open_round(users, draft_round):
    [draft] = tasks_for(users["coordinator"], dt.date(2022, 10, 1))
    assert draft.kind == "round" and draft.due is None
    assert draft.url == reverse("dashboard:round", args=[draft_round.key])

    services.round_open(actor=None, monitoring_round=draft_round)
    [follow] = tasks_for(users["coordinator"], dt.date(2022, 10, 1))
    assert (follow.done, follow.total) == (0, 7)
    assert follow.due == draft_round.deadline


def test_readers_and_users_without_a_role_have_no_tasks(users, open_round):
    assert tasks_for(users["almere_reader"], dt.date(2022, 10, 1)) == []
    assert tasks_for(users["nobody"], dt.date(2022, 10, 1)) == []


def test_closed_rounds_give_no_tasks(users, open_round):
    MonitoringRound.objects.filter(pk=open_round.pk).update(state="closed")
    assert tasks_for(users["almere"], dt.date(2022, 10, 1)) == []
    assert tasks_for(users["coordinator"], dt.date(2022, 10, 1)) == []


def test_other_apps_add_tasks_through_the_hook(users, open_round, monkeypatch):
    """Any app contributes tasks with a mytasks.py module."""

    def changes_requested(user, today):
        if user.username == "almere":
            yield Task(
                kind=KIND_CHANGES_REQUESTED,
                title="Answer the coordinator's question on 3.1",
                url="/somewhere/",
                due=today,
            )

    providers = (*tasks_module.task_providers(), changes_requested)
    monkeypatch.setattr(tasks_module, "task_providers", lambda: providers)
    views = tasks_for(users["almere"], dt.date(2022, 10, 1))
    assert [v.kind for v in views] == ["changes_requested", "fill_in"]  # the nearest due first
    assert views[0].kind_label


def test_start_page_lists_tasks_then_rounds_and_organisations(client, users, open_round):
    client.force_login(users["almere"])
    response = client.get(reverse("dashboard:home"))
    body = response.content.decode()
    fill_url = reverse("assessments:fill", args=[open_round.key, ALMERE])
    assert body.index('id="tasks-heading"') < body.index(fill_url) < body.index("rounds-heading")
    # The editor cannot open the region's dashboard; the round links to their own assessment.
    assert f'href="{reverse("dashboard:round", args=[open_round.key])}"' not in body
    assert reverse("assessments:detail", args=[open_round.key, ALMERE]) in body


def test_start_page_explains_an_account_without_a_role(client, users):
    client.force_login(users["nobody"])
    response = client.get(reverse("dashboard:home"))
    assert response.status_code == 200
    assert not response.context["memberships"]
    assert "utrecht-alert--info" in response.content.decode()


def test_round_list_and_organisation_list(client, users, open_round):
    client.force_login(users["coordinator"])
    rounds = client.get(reverse("dashboard:rounds"))
    assert rounds.status_code == 200
    assert reverse("dashboard:round", args=[open_round.key]) in rounds.content.decode()
    organisations = client.get(reverse("organisations:list"))
    assert organisations.status_code == 200
    assert len(organisations.context["organisations"]) == 7
    client.force_login(users["almere"])
    organisations = client.get(reverse("organisations:list"))
    assert [o.code for o in organisations.context["organisations"]] == [ALMERE]


def test_navigation_marks_the_current_section(client, users, open_round):
    client.force_login(users["coordinator"])
    body = client.get(reverse("dashboard:round", args=[open_round.key])).content.decode()
    assert f'href="{reverse("dashboard:rounds")}" aria-current="page"' in body
    body = client.get(reverse("dashboard:home")).content.decode()
    assert f'href="{reverse("dashboard:home")}" aria-current="page"' in body


def test_the_review_workflow_turns_tasks_around(users, open_round):
    almere = Assessment.objects.get(round=open_round, organisation__code=ALMERE)
    today = dt.date(2022, 10, 10)
    # Submitted: no longer a task of the editor, but one of the working group.
    Assessment.objects.filter(pk=almere.pk).update(status="submitted")
    assert tasks_for(users["almere"], today) == []
    [review] = tasks_for(users["coordinator"], today)[:1]
    assert review.kind == "review"
    assert review.url == reverse("assessments:review", args=[open_round.key, ALMERE])
    # Returned with a change requested on one item: back to the editor, who is told how many.
    Assessment.objects.filter(pk=almere.pk).update(status="changes_requested")
    Answer.objects.filter(assessment=almere, requirement__code="1.1").update(
        review_status="changes_requested"
    )
    [change] = tasks_for(users["almere"], today)
    assert change.kind == "changes_requested"
    assert change.url == reverse("assessments:fill", args=[open_round.key, ALMERE])
    assert "1" in change.detail
    assert all(task.kind != "review" for task in tasks_for(users["coordinator"], today))


def test_actions_due_are_tasks_of_their_organisation_editors(users, open_round):
    almere = Organisation.objects.get(code=ALMERE)
    today = dt.date(2022, 10, 10)
    Action.objects.create(
        organisation=almere, description="Integriteitsbeleid vaststellen", due_date=today
    )
    Action.objects.create(
        organisation=almere, description="Later", due_date=today + dt.timedelta(days=90)
    )
    Action.objects.create(organisation=almere, description="Klaar", due_date=today, status="done")
    actions = [t for t in tasks_for(users["almere"], today) if t.kind == "action_due"]
    assert [t.title for t in actions] == ["Integriteitsbeleid vaststellen"]
    assert not [t for t in tasks_for(users["lelystad"], today) if t.kind == "action_due"]
