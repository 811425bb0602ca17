"""The start page's "My tasks": what the user has to do now, gathered from every app.

An app contributes tasks with a module ``mytasks.py`` holding
``TASK_PROVIDERS = [callable(user, today) -> Iterable[Task]]``, found at start-up in
INSTALLED_APPS order, the same way as the navigation (core/navigation.py). (Not ``tasks.py``:
that name is taken by background jobs.)

This module holds the providers for what exists today: assessments to fill in, changes the
working group requested, assessments submitted for review, actions due, and rounds a
coordinator has to open, follow or close. A new kind of task needs only a provider in its own
app's ``mytasks.py``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from importlib import import_module
from typing import Any

from django.apps import apps
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from normmonitor.access.policy import grants_for
from normmonitor.access.selectors import visible_assessments, visible_rounds
from normmonitor.actions.models import OPEN_STATUSES, Action
from normmonitor.assessments.models import Answer, Assessment, AssessmentStatus, ReviewStatus
from normmonitor.assessments.selectors import progress_by_assessment
from normmonitor.rounds.models import RoundState

#: How close a due date must be for a task to be marked "due soon".
DUE_SOON = dt.timedelta(days=14)

#: Actions show up this long before their due date.
ACTION_HORIZON = dt.timedelta(days=30)

KIND_FILL_IN = "fill_in"
KIND_CHANGES_REQUESTED = "changes_requested"
KIND_REVIEW = "review"
KIND_ACTION_DUE = "action_due"
KIND_ROUND = "round"

KIND_LABELS = {
    KIND_FILL_IN: gettext_lazy("To fill in"),
    KIND_CHANGES_REQUESTED: gettext_lazy("Changes requested"),
    KIND_REVIEW: gettext_lazy("To review"),
    KIND_ACTION_DUE: gettext_lazy("Action due"),
    KIND_ROUND: gettext_lazy("Monitoring round"),
}


#: Among tasks due on the same day: what others wait for first.
KIND_ORDER = {
    kind: index
    for index, kind in enumerate(
        [KIND_CHANGES_REQUESTED, KIND_REVIEW, KIND_FILL_IN, KIND_ACTION_DUE, KIND_ROUND]
    )
}


@dataclass(frozen=True)
class Task:
    """One thing to do. ``title`` is the link text and says what to do; ``detail`` is one line of
    context; ``done``/``total`` show progress where there is any."""

    kind: str
    title: str
    url: str
    detail: str = ""
    due: dt.date | None = None
    done: int | None = None
    total: int | None = None

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS.get(self.kind, self.kind))


@dataclass(frozen=True)
class TaskView:
    """A task as the start page shows it, with its urgency on the day it is shown."""

    task: Task
    urgency: str  # "overdue", "due_soon" or ""
    days_left: int | None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.task, name)


TaskProvider = Callable[[Any, dt.date], Iterable[Task]]


@cache
def task_providers() -> tuple[TaskProvider, ...]:
    providers: list[TaskProvider] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("normmonitor."):
            continue
        try:
            module = import_module(f"{config.name}.mytasks")
        except ModuleNotFoundError as missing:
            if missing.name != f"{config.name}.mytasks":
                raise
            continue
        providers.extend(getattr(module, "TASK_PROVIDERS", ()))
    return tuple(providers)


def tasks_for(user: Any, today: dt.date) -> list[TaskView]:
    """Every task of the user by due date (the overdue first), then by what others wait for."""
    views = []
    for provider in task_providers():
        for task in provider(user, today):
            days_left = (task.due - today).days if task.due else None
            if days_left is not None and days_left < 0:
                urgency = "overdue"
            elif days_left is not None and days_left <= DUE_SOON.days:
                urgency = "due_soon"
            else:
                urgency = ""
            views.append(TaskView(task, urgency, days_left))
    views.sort(
        key=lambda view: (
            view.due is None,
            view.due or dt.date.max,
            KIND_ORDER.get(view.kind, len(KIND_ORDER)),
            view.title,
        )
    )
    return views


# -- The dashboard's own providers ------------------------------------------------------------


def fill_in_tasks(user: Any, today: dt.date) -> Iterable[Task]:
    """An editor's assessments they can still change: being filled in, or returned by the
    working group with changes requested. Submitted and approved ones are no task."""
    grants = grants_for(user)
    if not grants.edited_organisations:
        return
    assessments = [
        assessment
        for assessment in Assessment.objects.select_related("round__region", "organisation")
        .filter(
            organisation__in=grants.edited_organisations,
            status__in=[AssessmentStatus.DRAFT, AssessmentStatus.CHANGES_REQUESTED],
            round__state__in=[RoundState.OPEN, RoundState.IN_REVIEW],
        )
        .order_by("round__deadline", "organisation__name")
        if user.has_perm("assessments.change_assessment", assessment)
    ]
    progress = progress_by_assessment(Assessment.objects.filter(pk__in=[a.pk for a in assessments]))
    requested = dict(
        Answer.objects.filter(
            assessment__in=assessments, review_status=ReviewStatus.CHANGES_REQUESTED
        )
        .values_list("assessment")
        .annotate(count=Count("pk"))
    )
    for assessment in assessments:
        names = {"organisation": assessment.organisation.name, "round": assessment.round.name}
        url = reverse("assessments:fill", args=[assessment.round.key, assessment.organisation.code])
        p = progress.get(assessment.pk)
        if assessment.status == AssessmentStatus.CHANGES_REQUESTED:
            count = requested.get(assessment.pk, 0)
            yield Task(
                kind=KIND_CHANGES_REQUESTED,
                title=_("Change %(organisation)s for %(round)s as the working group asked") % names,
                url=url,
                detail=ngettext(
                    "%(count)s item with a change requested, then submit again",
                    "%(count)s items with a change requested, then submit again",
                    count,
                )
                % {"count": count},
                due=assessment.round.deadline,
            )
            continue
        parts = []
        if p is not None:
            parts.append(
                _("%(answered)s of %(total)s answered") % {"answered": p.answered, "total": p.total}
            )
            if p.carried_over:
                parts.append(
                    ngettext(
                        "%(counter)s carried over, to confirm",
                        "%(counter)s carried over, to confirm",
                        p.carried_over,
                    )
                    % {"counter": p.carried_over}
                )
        yield Task(
            kind=KIND_FILL_IN,
            title=_("Fill in %(organisation)s for %(round)s") % names,
            url=url,
            detail=" · ".join(parts),
            due=assessment.round.deadline,
            done=p.answered if p else None,
            total=p.total if p else None,
        )


def review_tasks(user: Any, today: dt.date) -> Iterable[Task]:
    """Assessments submitted to the working group that this user may review."""
    grants = grants_for(user)
    if not (grants.administrator or grants.coordinated_regions):
        return
    submitted = (
        visible_assessments(user)
        .select_related("round__region", "organisation")
        .filter(
            status=AssessmentStatus.SUBMITTED,
            round__state__in=[RoundState.OPEN, RoundState.IN_REVIEW],
        )
        .order_by("round__deadline", "organisation__name")
    )
    for assessment in submitted:
        if not user.has_perm("assessments.review_assessment", assessment):
            continue
        submitted_on = assessment.submitted_at
        yield Task(
            kind=KIND_REVIEW,
            title=_("Review %(organisation)s for %(round)s")
            % {"organisation": assessment.organisation.name, "round": assessment.round.name},
            url=reverse(
                "assessments:review", args=[assessment.round.key, assessment.organisation.code]
            ),
            detail=_("Submitted on %(date)s") % {"date": date_format(submitted_on.date())}
            if submitted_on
            else "",
            due=assessment.round.deadline,
        )


def action_tasks(user: Any, today: dt.date) -> Iterable[Task]:
    """Open actions due within a month (or overdue) that are this user's: assigned to them,
    or, without an owner, of an organisation they fill in for."""
    grants = grants_for(user)
    actions = (
        Action.objects.select_related("organisation", "requirement")
        .filter(
            status__in=OPEN_STATUSES,
            due_date__isnull=False,
            due_date__lte=today + ACTION_HORIZON,
        )
        .filter(
            Q(owner_user=user)
            | Q(owner_user__isnull=True, organisation__in=grants.edited_organisations)
        )
        .order_by("due_date", "pk")
    )
    for action in actions:
        subject = action.requirement.label if action.requirement_id else ""
        yield Task(
            kind=KIND_ACTION_DUE,
            title=(f"{subject}: " if subject else "") + Truncator(action.description).words(12),
            url=reverse("actions:detail", args=[action.pk]),
            detail=action.organisation.name,
            due=action.due_date,
        )


def round_tasks(user: Any, today: dt.date) -> Iterable[Task]:
    """Rounds the user manages that need a step: a draft to open, an open round to follow up
    until its deadline, a round in review to close."""
    rounds = [
        r
        for r in visible_rounds(user).exclude(state=RoundState.CLOSED).order_by("deadline")
        if user.has_perm("rounds.manage_round", r)
    ]
    if not rounds:
        return
    complete: dict[int, int] = {}
    counts: dict[int, int] = {}
    assessments = Assessment.objects.filter(round__in=[r.pk for r in rounds if r.is_open])
    progress = progress_by_assessment(assessments)
    for round_id, assessment_id in assessments.values_list("round_id", "pk"):
        counts[round_id] = counts.get(round_id, 0) + 1
        p = progress.get(assessment_id)
        if p is not None and p.total and p.answered == p.total and not p.carried_over:
            complete[round_id] = complete.get(round_id, 0) + 1
    for monitoring_round in rounds:
        url = reverse("dashboard:round", args=[monitoring_round.key])
        if monitoring_round.state == RoundState.DRAFT:
            yield Task(
                kind=KIND_ROUND,
                title=_("Open %(round)s") % {"round": monitoring_round.name},
                url=url,
                detail=_("Draft: check it, then open it for the organisations."),
            )
        elif monitoring_round.state == RoundState.OPEN:
            total = counts.get(monitoring_round.pk, 0)
            done = complete.get(monitoring_round.pk, 0)
            yield Task(
                kind=KIND_ROUND,
                title=_("Follow %(round)s") % {"round": monitoring_round.name},
                url=url,
                detail=_("%(done)s of %(total)s organisations have answered and confirmed all")
                % {"done": done, "total": total},
                due=monitoring_round.deadline,
                done=done,
                total=total,
            )
        elif monitoring_round.state == RoundState.IN_REVIEW:
            yield Task(
                kind=KIND_ROUND,
                title=_("Review and close %(round)s") % {"round": monitoring_round.name},
                url=url,
                detail=_("Check the answers, then close the round."),
            )


TASK_PROVIDERS = [fill_in_tasks, review_tasks, action_tasks, round_tasks]
