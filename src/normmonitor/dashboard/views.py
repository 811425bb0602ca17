from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from normmonitor.access.models import Membership
from normmonitor.access.policy import grants_for
from normmonitor.access.selectors import visible_organisations, visible_regions, visible_rounds
from normmonitor.core.pagination import page_number
from normmonitor.core.views import check
from normmonitor.rounds.models import MonitoringRound

from .mytasks import tasks_for
from .selectors import round_dashboard, round_links

#: How many rounds and organisations the start page lists before "all …".
START_PAGE_LIMIT = 6


def _can_create_round(request: HttpRequest) -> bool:
    return any(
        request.user.has_perm("rounds.create_round", region)
        for region in visible_regions(request.user)
    )


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The start page: the user's own tasks first, then the rounds and organisations they may
    look at, and for administrators the way to the management pages."""
    user = request.user
    rounds = list(visible_rounds(user).order_by("-reference_date", "name")[: START_PAGE_LIMIT + 1])
    organisations = list(
        visible_organisations(user).order_by("type", "name")[: START_PAGE_LIMIT + 1]
    )
    memberships = (
        Membership.objects.filter(user=user)
        .select_related("organisation", "region")
        .order_by("role", "organisation__name", "region__name")
    )
    return render(
        request,
        "dashboard/home.html",
        {
            "tasks": tasks_for(user, timezone.localdate()),
            "memberships": memberships,
            "rounds": round_links(user, rounds[:START_PAGE_LIMIT]),
            "more_rounds": len(rounds) > START_PAGE_LIMIT,
            "organisations": organisations[:START_PAGE_LIMIT],
            "more_organisations": len(organisations) > START_PAGE_LIMIT,
            "can_create_round": _can_create_round(request),
            "is_administrator": grants_for(user).administrator,
        },
    )


@require_GET
def round_list(request: HttpRequest) -> HttpResponse:
    """Every monitoring round the user may see, newest first, with a link to what they may
    open: the region's dashboard, or their own organisation's assessment."""
    rounds = visible_rounds(request.user).order_by("region__name", "-reference_date", "name")
    return render(
        request,
        "dashboard/rounds.html",
        {
            "rounds": round_links(request.user, rounds),
            "can_create_round": _can_create_round(request),
        },
    )


@require_GET
def round_dashboard_view(request: HttpRequest, key: str) -> HttpResponse:
    monitoring_round = get_object_or_404(
        MonitoringRound.objects.select_related("region", "norm_version"), key=key
    )
    check(request, "rounds.view_dashboard", monitoring_round)
    return render(
        request,
        "dashboard/round.html",
        {
            "dashboard": round_dashboard(monitoring_round, page_number(request.GET.get("page"))),
            "round": monitoring_round,
            "can_manage": request.user.has_perm("rounds.manage_round", monitoring_round),
        },
    )
