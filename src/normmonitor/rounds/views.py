from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from normmonitor.access.selectors import visible_regions
from normmonitor.audit.services import record
from normmonitor.core.exceptions import ServiceError
from normmonitor.core.pagination import page_number
from normmonitor.core.views import check, client_address
from normmonitor.dashboard.selectors import round_dashboard

from . import services, snapshots
from .forms import RoundForm
from .models import MonitoringRound, RoundSnapshot

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


@require_GET
def round_heatmap(request: HttpRequest, key: str) -> HttpResponse:
    """The region's ratings for the members of the region, where the region allows it: which
    ambition each organisation achieved, without explanations, evidence or comments."""
    monitoring_round = get_object_or_404(
        MonitoringRound.objects.select_related("region", "norm_version"), key=key
    )
    check(request, "rounds.view_heatmap", monitoring_round)
    return render(
        request,
        "rounds/heatmap.html",
        {
            "round": monitoring_round,
            "dashboard": round_dashboard(monitoring_round, page_number(request.GET.get("page"))),
            "can_view_dashboard": request.user.has_perm("rounds.view_dashboard", monitoring_round),
        },
    )


@require_http_methods(["GET", "POST"])
def round_reopen(request: HttpRequest, key: str) -> HttpResponse:
    """Administrators reopen a closed round, with a reason (audited)."""
    monitoring_round = get_object_or_404(MonitoringRound, key=key)
    check(request, "rounds.reopen_round", monitoring_round)
    error = None
    if request.method == "POST":
        try:
            services.round_reopen(
                actor=request.user,
                monitoring_round=monitoring_round,
                reason=request.POST.get("reason", "")[:2000],
                address=client_address(request),
            )
        except ServiceError as refused:
            error = str(refused)
        else:
            messages.success(request, _("The round is open again."))
            return redirect("dashboard:round", key=key)
    return render(
        request,
        "rounds/reopen.html",
        {"round": monitoring_round, "error": error},
        status=400 if error else 200,
    )


@require_GET
def round_snapshot(request: HttpRequest, key: str) -> HttpResponse:
    """A closed round's snapshots with their checksums and whether they verify; ``?download``
    gives the latest as canonical JSON (an audited export)."""
    monitoring_round = get_object_or_404(MonitoringRound, key=key)
    check(request, "rounds.view_dashboard", monitoring_round)
    snapshot_rows = list(RoundSnapshot.objects.filter(round=monitoring_round))
    if "download" in request.GET and snapshot_rows:
        latest = snapshot_rows[0]
        record(
            "round.snapshot_exported",
            actor=request.user,
            round=monitoring_round,
            address=client_address(request),
            snapshot=latest.sequence,
            checksum=latest.checksum,
        )
        response = HttpResponse(
            snapshots.canonical_bytes(latest.data), content_type="application/json"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="{monitoring_round.key}-snapshot-{latest.sequence}.json"'
        )
        response["X-Checksum-SHA256"] = latest.checksum
        return response
    return render(
        request,
        "rounds/snapshot.html",
        {
            "round": monitoring_round,
            "snapshots": [(s, services.snapshot_verify(s)) for s in snapshot_rows],
            "can_reopen": request.user.has_perm("rounds.reopen_round", monitoring_round),
        },
    )
