from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from normmonitor.access.selectors import (
    editable_assessments,
    visible_organisations,
    visible_regions,
    visible_rounds,
)
from normmonitor.assessments.selectors import progress_by_assessment
from normmonitor.core.views import check
from normmonitor.rounds.models import MonitoringRound

from .selectors import round_dashboard


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The start page: the user's own tasks first, then what they may look at."""
    tasks = editable_assessments(request.user).order_by("round__deadline", "organisation__name")
    progress = progress_by_assessment(tasks)
    rounds = visible_rounds(request.user).order_by("-reference_date")
    return render(
        request,
        "dashboard/home.html",
        {
            "tasks": [(assessment, progress.get(assessment.pk)) for assessment in tasks],
            "rounds": rounds,
            "organisations": visible_organisations(request.user).order_by("type", "name"),
            "can_create_round": any(
                request.user.has_perm("rounds.create_round", region)
                for region in visible_regions(request.user)
            ),
            "can_view_dashboard": {
                r.pk: request.user.has_perm("rounds.view_dashboard", r) for r in rounds
            },
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
            "dashboard": round_dashboard(monitoring_round),
            "round": monitoring_round,
            "can_manage": request.user.has_perm("rounds.manage_round", monitoring_round),
        },
    )
