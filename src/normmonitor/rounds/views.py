from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from normmonitor.access.selectors import visible_regions
from normmonitor.core.exceptions import ServiceError
from normmonitor.core.views import check

from . import services
from .forms import RoundForm
from .models import MonitoringRound

TRANSITIONS = {
    "open": services.round_open,
    "review": services.round_start_review,
    "close": services.round_close,
}


@require_POST
def change_state(request: HttpRequest, key: str, action: str) -> HttpResponse:
    monitoring_round = get_object_or_404(MonitoringRound, key=key)
    check(request, "rounds.manage_round", monitoring_round)
    transition = TRANSITIONS.get(action)
    if transition is None:
        return redirect("dashboard:round", key=key)
    try:
        transition(actor=request.user, monitoring_round=monitoring_round)
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The round is now “%(state)s”.") % {"state": monitoring_round.get_state_display()},
        )
    return redirect("dashboard:round", key=key)


@require_http_methods(["GET", "POST"])
def round_new(request: HttpRequest) -> HttpResponse:
    regions = visible_regions(request.user)
    regions = regions.filter(
        pk__in=[r.pk for r in regions if request.user.has_perm("rounds.create_round", r)]
    )
    if not regions.exists():
        raise PermissionDenied
    form = RoundForm(request.POST or None, regions=regions)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            monitoring_round = services.round_create(
                actor=request.user,
                key=data["key"],
                name=data["name"],
                region=data["region"],
                norm_version=data["norm_version"],
                reference_date=data["reference_date"],
                deadline=data["deadline"],
                previous=data["previous"],
            )
        except ServiceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Round created as a draft. Open it when it is ready."))
            return redirect("dashboard:round", key=monitoring_round.key)
    return render(request, "rounds/new.html", {"form": form})
