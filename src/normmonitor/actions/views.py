from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from normmonitor.access.models import Role
from normmonitor.access.selectors import visible_organisations
from normmonitor.core.exceptions import ServiceError
from normmonitor.core.views import check
from normmonitor.norms.models import NormVersion, Requirement
from normmonitor.organisations.models import Organisation, Region
from normmonitor.rounds.models import MonitoringRound, RoundState

from . import services
from .forms import ActionForm, CommentForm
from .models import OPEN_STATUSES, ActionStatus
from .selectors import region_bottlenecks, visible_actions


@require_GET
def action_list(request: HttpRequest) -> HttpResponse:
    actions = visible_actions(request.user).order_by("due_date", "organisation__name", "pk")
    status = request.GET.get("status", "open")
    if status == "open":
        actions = actions.filter(status__in=OPEN_STATUSES)
    elif status in ActionStatus.values:
        actions = actions.filter(status=status)
    organisation = request.GET.get("organisation")
    if organisation:
        actions = actions.filter(organisation__code=organisation)
    can_add = [
        o
        for o in visible_organisations(request.user).prefetch_related("regions").order_by("name")
        if request.user.has_perm("actions.add_action", o)
    ]
    return render(
        request,
        "actions/list.html",
        {
            "actions": actions,
            "status": status,
            "statuses": ActionStatus.choices,
            "today": timezone.localdate(),
            "can_add": can_add,
        },
    )


def _form_choices(organisation: Organisation, monitoring_round: MonitoringRound | None):
    rounds = (
        MonitoringRound.objects.filter(assessments__organisation=organisation)
        .exclude(state=RoundState.DRAFT)
        .select_related("norm_version")
        .order_by("-reference_date")
    )
    version: NormVersion | None = (
        monitoring_round.norm_version
        if monitoring_round is not None
        else (rounds.first().norm_version if rounds.exists() else None)
    )
    requirements = Requirement.objects.none()
    if version is not None:
        ids = [
            r.pk
            for r in version.requirements.order_by("order")
            if organisation.type in r.applies_to
        ]
        requirements = Requirement.objects.filter(pk__in=ids).order_by("order")
    users = (
        get_user_model()
        .objects.filter(
            memberships__organisation=organisation,
            memberships__role=Role.EDITOR,
            is_active=True,
        )
        .distinct()
        .order_by("first_name", "username")
    )
    return rounds, requirements, users


@require_http_methods(["GET", "POST"])
def action_new(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("organisation") or request.POST.get("organisation")
    if not code:
        raise PermissionDenied
    organisation = get_object_or_404(Organisation.objects.prefetch_related("regions"), code=code)
    check(request, "actions.add_action", organisation)
    round_key = request.GET.get("round") or request.POST.get("round")
    monitoring_round = (
        MonitoringRound.objects.filter(key=round_key).select_related("norm_version").first()
        if round_key
        else None
    )
    rounds, requirements, users = _form_choices(organisation, monitoring_round)
    initial = {"round": monitoring_round.key if monitoring_round else None}
    requirement_code = request.GET.get("requirement")
    if requirement_code:
        initial["requirement"] = requirements.filter(code=requirement_code).first()
    form = ActionForm(
        request.POST or None,
        initial=initial,
        rounds=rounds,
        requirements=requirements,
        users=users,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            action = services.action_create(
                actor=request.user,
                organisation=organisation,
                description=data["description"],
                requirement=data["requirement"],
                monitoring_round=data["round"],
                owner=data["owner"],
                owner_user=data["owner_user"],
                due_date=data["due_date"],
            )
        except ServiceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The action is recorded."))
            return redirect("actions:detail", pk=action.pk)
    return render(
        request, "actions/form.html", {"form": form, "organisation": organisation, "action": None}
    )


def _action(request: HttpRequest, pk: int):
    action = get_object_or_404(
        visible_actions(request.user).prefetch_related("organisation__regions"), pk=pk
    )
    check(request, "actions.view_action", action)
    return action


@require_GET
def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    action = _action(request, pk)
    return render(
        request,
        "actions/detail.html",
        {
            "action": action,
            "comments": action.comments.all(),
            "comment_form": CommentForm(),
            "can_change": request.user.has_perm("actions.change_action", action),
            "today": timezone.localdate(),
        },
    )


@require_http_methods(["GET", "POST"])
def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    action = _action(request, pk)
    check(request, "actions.change_action", action)
    _rounds, _requirements, users = _form_choices(action.organisation, action.round)
    form = ActionForm(
        request.POST or None,
        initial={
            "description": action.description,
            "owner": action.owner,
            "owner_user": action.owner_user,
            "due_date": action.due_date,
            "status": action.status,
        },
        rounds=MonitoringRound.objects.none(),
        requirements=Requirement.objects.none(),
        users=users,
        editing=True,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.action_update(
                actor=request.user,
                action=action,
                description=data["description"],
                owner=data["owner"],
                owner_user=data["owner_user"],
                due_date=data["due_date"],
                status=data["status"],
            )
        except ServiceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The action is saved."))
            return redirect("actions:detail", pk=action.pk)
    return render(
        request,
        "actions/form.html",
        {"form": form, "organisation": action.organisation, "action": action},
    )


@require_POST
def action_comment(request: HttpRequest, pk: int) -> HttpResponse:
    action = _action(request, pk)
    check(request, "actions.change_action", action)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.action_comment(
                actor=request.user, action=action, text=form.cleaned_data["text"]
            )
        except ServiceError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The comment is added."))
    else:
        messages.error(request, _("Write a comment."))
    return redirect("actions:detail", pk=action.pk)


@require_GET
def bottlenecks(request: HttpRequest, region: str) -> HttpResponse:
    region_obj = get_object_or_404(Region, key=region)
    check(request, "actions.view_bottlenecks", region_obj)
    return render(
        request,
        "actions/bottlenecks.html",
        {"bottlenecks": region_bottlenecks(region_obj, timezone.localdate())},
    )
