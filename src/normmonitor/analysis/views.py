from decimal import Decimal

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from normmonitor.access.selectors import visible_organisations, visible_regions, visible_rounds
from normmonitor.core.exceptions import ServiceError
from normmonitor.core.pagination import page_number
from normmonitor.core.views import check
from normmonitor.dashboard.selectors import PAGE_SIZE
from normmonitor.organisations.models import Organisation, Region
from normmonitor.resiliencescan.selectors import baseline_for
from normmonitor.rounds.models import MonitoringRound, RoundState

from . import selectors, services
from .forms import CompareForm, WaterbedSettingsForm
from .models import RegionAnalysisConfig, ThemeWeight


def _round(key: str) -> MonitoringRound:
    return get_object_or_404(
        MonitoringRound.objects.select_related("region", "norm_version__norm"), key=key
    )


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """What the user may analyse: the region's rounds for coordinators, their own
    organisations' trends for members."""
    user = request.user
    rounds = list(visible_rounds(user).exclude(state=RoundState.DRAFT).order_by("-reference_date"))
    regions = [
        r for r in visible_regions(user) if user.has_perm("analysis.view_region_analysis", r)
    ]
    region_ids = {region.pk for region in regions}
    organisations = [
        o
        for o in visible_organisations(user).prefetch_related("regions").order_by("type", "name")
        if user.has_perm("analysis.view_organisation_analysis", o)
    ]
    return render(
        request,
        "analysis/index.html",
        {
            "regions": regions,
            "region_rounds": [r for r in rounds if r.region_id in region_ids],
            "organisations": organisations,
            "can_compare": len(rounds) > 1,
        },
    )


@require_GET
def waterbed(request: HttpRequest, key: str) -> HttpResponse:
    monitoring_round = _round(key)
    check(request, "analysis.view_region_analysis", monitoring_round.region)
    analysis = selectors.round_waterbed(monitoring_round)
    if request.GET.get("format") == "json":
        return JsonResponse(
            selectors.waterbed_as_json(monitoring_round, analysis),
            json_dumps_params={"ensure_ascii": False},
        )
    exposure = selectors.exposure_by_organisation(monitoring_round, analysis)
    return render(
        request,
        "analysis/waterbed.html",
        {
            "round": monitoring_round,
            "waterbed": analysis,
            "all_spots": Paginator(analysis.weak_spots, PAGE_SIZE).get_page(
                page_number(request.GET.get("spots"))
            ),
            "page": Paginator(analysis.exposure_rows(), PAGE_SIZE).get_page(
                page_number(request.GET.get("page"))
            ),
            "exposure": exposure,
            "can_configure": request.user.has_perm(
                "analysis.manage_region_analysis", monitoring_round.region
            ),
        },
    )


@require_http_methods(["GET", "POST"])
def waterbed_settings(request: HttpRequest, key: str) -> HttpResponse:
    monitoring_round = _round(key)
    region = monitoring_round.region
    check(request, "analysis.manage_region_analysis", region)
    norm_version = monitoring_round.norm_version
    themes = list(norm_version.themes.order_by("order"))
    config = RegionAnalysisConfig.objects.filter(region=region).first()
    weights = {
        w.theme_code: w.weight
        for w in ThemeWeight.objects.filter(config=config, norm_version=norm_version)
    }
    initial = {"majority": config.majority if config else Decimal("0.5")}
    initial.update({f"theme_{t.code}": weights.get(t.code, Decimal(1)) for t in themes})
    form = WaterbedSettingsForm(request.POST or None, initial=initial, themes=themes)
    if request.method == "POST" and form.is_valid():
        try:
            services.config_update(
                actor=request.user,
                region=region,
                norm_version=norm_version,
                majority=form.cleaned_data["majority"],
                theme_weights=form.weights(),
            )
        except ServiceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The waterbed settings are saved."))
            return redirect("analysis:waterbed", key=key)
    return render(
        request, "analysis/waterbed_settings.html", {"round": monitoring_round, "form": form}
    )


@require_GET
def pace_view(request: HttpRequest, key: str) -> HttpResponse:
    monitoring_round = _round(key)
    check(request, "analysis.view_region_analysis", monitoring_round.region)
    pace = selectors.round_pace(monitoring_round)
    page = Paginator(pace.organisations, PAGE_SIZE).get_page(page_number(request.GET.get("page")))
    return render(
        request,
        "analysis/pace.html",
        {"round": monitoring_round, "pace": pace, "page": page},
    )


@require_GET
def compare_view(request: HttpRequest) -> HttpResponse:
    """Two rounds side by side, item by item. Across organisations for coordinators; for one
    organisation for its members."""
    user = request.user
    rounds = visible_rounds(user).exclude(state=RoundState.DRAFT).order_by("-reference_date")
    organisations = Organisation.objects.filter(
        pk__in=[
            o.pk
            for o in visible_organisations(user).prefetch_related("regions")
            if user.has_perm("analysis.view_organisation_analysis", o)
        ]
    ).order_by("type", "name")
    form = CompareForm(request.GET or None, rounds=rounds, organisations=organisations)
    comparison = error = None
    if request.GET and form.is_valid():
        earlier, later = form.cleaned_data["earlier"], form.cleaned_data["later"]
        organisation = form.cleaned_data["organisation"]
        if organisation is not None:
            check(request, "analysis.view_organisation_analysis", organisation)
            codes = {organisation.code}
        else:
            for region in {earlier.region, later.region}:
                check(request, "analysis.view_region_analysis", region)
            codes = None
        try:
            comparison = selectors.compare_rounds(earlier, later, codes)
        except selectors.NotComparable as problem:
            error = str(problem)
    return render(
        request,
        "analysis/compare.html",
        {
            "form": form,
            "comparison": comparison,
            "error": error,
            "show_unchanged": form.is_bound
            and form.is_valid()
            and form.cleaned_data["show_unchanged"],
        },
    )


@require_GET
def region_trends(request: HttpRequest, region: str) -> HttpResponse:
    region_obj = get_object_or_404(Region, key=region)
    check(request, "analysis.view_region_analysis", region_obj)
    rounds = visible_rounds(request.user).filter(region=region_obj)
    trend = selectors.region_trend(region_obj, rounds)
    organisations = {o.code: o for o in Organisation.objects.filter(regions=region_obj)}
    return render(
        request,
        "analysis/region_trends.html",
        {"region": region_obj, "trend": trend, "organisations": organisations},
    )


@require_GET
def organisation_trends(request: HttpRequest, code: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation.objects.prefetch_related("regions"), code=code)
    check(request, "analysis.view_organisation_analysis", organisation)
    rounds = visible_rounds(request.user).filter(assessments__organisation=organisation)
    trend = selectors.organisation_trend(organisation, rounds)
    baseline = baseline_for(organisation, trend.target) if trend else None
    return render(
        request,
        "analysis/organisation_trends.html",
        {"organisation": organisation, "trend": trend, "baseline": baseline},
    )
