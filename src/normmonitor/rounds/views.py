from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from normmonitor.core.exceptions import ServiceError
from normmonitor.core.views import check

from . import services
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
