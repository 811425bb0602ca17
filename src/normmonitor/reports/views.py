"""Report pages, chart images, jobs with progress, round exports and the offline workbook.

Every view checks its permission (access/policy.py) before it reads anything; downloads are
audited. Charts are served as SVG files from a permission-checked view, so the pages need no
inline script or style (the CSP forbids both)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from uuid import UUID

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from normmonitor.access.selectors import visible_assessments, visible_rounds
from normmonitor.assessments.models import Assessment
from normmonitor.audit.services import record
from normmonitor.core.exceptions import NotAllowed, ServiceError
from normmonitor.core.views import check, client_address
from normmonitor.rounds.models import MonitoringRound

from . import conf, jobs
from .charts import charts_for
from .exports import workbook as offline
from .models import ReportJob, WorkbookImport
from .render import REPORT_FORMATS, build_report

SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
# The page draws its charts once and keeps them briefly, so that the image requests that follow
# need not build the report again; a later or other process builds them itself.
CHART_CACHE_SECONDS = 600


def _chart_key(token: str, key: str, organisation: str | None, chart: str) -> str:
    return f"reports:chart:{token}:{key}:{organisation or '-'}:{chart}"


def _chart_sources(charts, url: Callable[[str], str], key: str, organisation: str | None):
    token = uuid.uuid4().hex
    sources = {}
    for chart in charts:
        cache.set(_chart_key(token, key, organisation, chart.key), chart.svg(), CHART_CACHE_SECONDS)
        sources[chart.key] = f"{url(chart.key)}?v={token}"
    return sources


def _round(key: str) -> MonitoringRound:
    return get_object_or_404(
        MonitoringRound.objects.select_related("region", "norm_version__norm"), key=key
    )


def _assessment(key: str, organisation: str) -> Assessment:
    try:
        return Assessment.objects.select_related(
            "round__region", "round__norm_version__norm", "organisation"
        ).get(round__key=key, organisation__code=organisation)
    except Assessment.DoesNotExist as missing:
        raise Http404 from missing


def _language() -> str:
    return translation.get_language() or "nl"


# ---------------------------------------------------------------------------------------------
# Pages


@require_GET
def report_index(request: HttpRequest) -> HttpResponse:
    """The reports a user may open: region reports of the rounds they coordinate, organisation
    reports of the assessments they may see."""
    rounds = list(visible_rounds(request.user).order_by("-reference_date"))
    assessments = (
        visible_assessments(request.user)
        .select_related("round", "organisation")
        .order_by("-round__reference_date", "organisation__name")
    )
    by_round: dict[int, list[Assessment]] = {}
    for assessment in assessments:
        by_round.setdefault(assessment.round_id, []).append(assessment)
    return render(
        request,
        "reports/index.html",
        {
            "rows": [
                (
                    monitoring_round,
                    request.user.has_perm("reports.view_region_report", monitoring_round),
                    by_round.get(monitoring_round.pk, []),
                )
                for monitoring_round in rounds
            ],
            "can_export_installation": request.user.has_perm("reports.export_installation"),
            "recent_jobs": ReportJob.objects.filter(requested_by=request.user)
            .select_related("round", "organisation")
            .defer("result")[:10],
        },
    )


@require_GET
def region_report_page(request: HttpRequest, key: str) -> HttpResponse:
    monitoring_round = _round(key)
    check(request, "reports.view_region_report", monitoring_round)
    report = build_report(monitoring_round, language=_language())
    charts = charts_for(report)
    return render(
        request,
        "reports/region.html",
        {
            "report": report,
            "charts": charts,
            "chart_map": {chart.key: chart for chart in charts},
            "round": monitoring_round,
            "chart_src": _chart_sources(
                charts, lambda chart: reverse("reports:region_chart", args=[key, chart]), key, None
            ),
            "formats": REPORT_FORMATS,
            "can_export": request.user.has_perm("reports.export_round", monitoring_round),
        },
    )


@require_GET
def organisation_report_page(request: HttpRequest, key: str, organisation: str) -> HttpResponse:
    assessment = _assessment(key, organisation)
    check(request, "reports.view_organisation_report", assessment)
    report = build_report(assessment.round, assessment.organisation, language=_language())
    charts = charts_for(report)
    return render(
        request,
        "reports/organisation.html",
        {
            "report": report,
            "charts": charts,
            "chart_map": {chart.key: chart for chart in charts},
            "round": assessment.round,
            "assessment": assessment,
            "chart_src": _chart_sources(
                charts,
                lambda chart: reverse(
                    "reports:organisation_chart", args=[key, organisation, chart]
                ),
                key,
                organisation,
            ),
            "formats": REPORT_FORMATS,
            "can_use_workbook": request.user.has_perm("reports.use_workbook", assessment),
        },
    )


def _cached_chart(
    request: HttpRequest, key: str, organisation: str | None, chart: str
) -> str | None:
    """The chart the page drew moments ago (called after the permission check)."""
    token = request.GET.get("v", "")
    if not token.isalnum() or len(token) != 32:
        return None
    return cache.get(_chart_key(token, key, organisation, chart))


def _svg(svg: str) -> HttpResponse:
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    # An image document of its own: no script, no fetches; the page's CSP stays strict.
    response["Content-Security-Policy"] = SVG_POLICY
    return response


@require_GET
def region_chart(request: HttpRequest, key: str, chart: str) -> HttpResponse:
    monitoring_round = _round(key)
    check(request, "reports.view_region_report", monitoring_round)
    cached = _cached_chart(request, key, None, chart)
    if cached is not None:
        return _svg(cached)
    report = build_report(monitoring_round, language=_language())
    with translation.override(report.meta.language):
        for item in charts_for(report):
            if item.key == chart:
                return _svg(item.svg())
    raise Http404


@require_GET
def organisation_chart(
    request: HttpRequest, key: str, organisation: str, chart: str
) -> HttpResponse:
    assessment = _assessment(key, organisation)
    check(request, "reports.view_organisation_report", assessment)
    cached = _cached_chart(request, key, organisation, chart)
    if cached is not None:
        return _svg(cached)
    report = build_report(assessment.round, assessment.organisation, language=_language())
    with translation.override(report.meta.language):
        for item in charts_for(report):
            if item.key == chart:
                return _svg(item.svg())
    raise Http404


# ---------------------------------------------------------------------------------------------
# Jobs


def _start(request: HttpRequest, **kwargs) -> HttpResponse:
    try:
        job = jobs.job_create(actor=request.user, language=_language(), **kwargs)
    except NotAllowed as refused:
        raise PermissionDenied from refused
    except ServiceError as error:
        messages.error(request, str(error))
        return redirect(request.META.get("HTTP_REFERER") or reverse("reports:index"))
    jobs.dispatch(job)
    return redirect("reports:job", job.pk)


@require_POST
def region_report_request(request: HttpRequest, key: str) -> HttpResponse:
    return _start(
        request,
        kind=ReportJob.Kind.REPORT,
        fmt=request.POST.get("format", ""),
        monitoring_round=_round(key),
    )


@require_POST
def organisation_report_request(request: HttpRequest, key: str, organisation: str) -> HttpResponse:
    assessment = _assessment(key, organisation)
    return _start(
        request,
        kind=ReportJob.Kind.REPORT,
        fmt=request.POST.get("format", ""),
        monitoring_round=assessment.round,
        organisation=assessment.organisation,
    )


@require_POST
def round_export_request(request: HttpRequest, key: str) -> HttpResponse:
    return _start(
        request,
        kind=ReportJob.Kind.ROUND_EXPORT,
        fmt=request.POST.get("format", ""),
        monitoring_round=_round(key),
    )


@require_POST
def installation_export_request(request: HttpRequest) -> HttpResponse:
    return _start(request, kind=ReportJob.Kind.INSTALLATION_EXPORT, fmt="json")


def _own_job(request: HttpRequest, job_id: UUID) -> ReportJob:
    job = get_object_or_404(
        ReportJob.objects.select_related("round", "organisation").defer("result"), pk=job_id
    )
    if job.requested_by_id != request.user.pk:
        raise Http404
    return job


@require_GET
def job_page(request: HttpRequest, job_id: UUID) -> HttpResponse:
    job = _own_job(request, job_id)
    return render(request, "reports/job.html", {"job": job})


@require_GET
def job_status(request: HttpRequest, job_id: UUID) -> HttpResponse:
    """The progress fragment that the job page polls with htmx (every second until done)."""
    job = _own_job(request, job_id)
    return render(request, "reports/_job_status.html", {"job": job})


@require_GET
def job_download(request: HttpRequest, job_id: UUID) -> HttpResponse:
    job = get_object_or_404(ReportJob.objects.select_related("round", "organisation"), pk=job_id)
    if job.requested_by_id != request.user.pk:
        raise Http404
    if job.state != ReportJob.State.DONE:
        return redirect("reports:job", job.pk)
    if not jobs.downloadable(job, request.user):
        raise PermissionDenied
    jobs.record_download(job, actor=request.user, address=client_address(request))
    response = HttpResponse(bytes(job.result), content_type=job.content_type)
    disposition = "inline" if job.filename.endswith(".pdf") else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{job.filename}"'
    if job.filename.endswith(".html"):
        # A standalone document with its own style sheet: shown only as a download.
        response["Content-Disposition"] = f'attachment; filename="{job.filename}"'
    return response


# ---------------------------------------------------------------------------------------------
# The offline workbook


@require_GET
def workbook_download(request: HttpRequest, key: str, organisation: str) -> HttpResponse:
    assessment = _assessment(key, organisation)
    check(request, "reports.use_workbook", assessment)
    content = offline.build_workbook(assessment)
    filename = offline.workbook_filename(assessment)
    record(
        "export.created",
        actor=request.user,
        organisation=assessment.organisation,
        round=assessment.round,
        address=client_address(request),
        kind="workbook",
        format="xlsx",
        file=filename,
        size=len(content),
    )
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_http_methods(["GET", "POST"])
def workbook_upload(request: HttpRequest, key: str, organisation: str) -> HttpResponse:
    assessment = _assessment(key, organisation)
    check(request, "reports.use_workbook", assessment)
    context: dict = {"assessment": assessment, "round": assessment.round}
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("workbook")
        if upload is None:
            context["refused"] = _("Choose the filled-in workbook (.xlsx) to upload.")
            status = 400
        elif upload.size > conf.WORKBOOK_MAX_UPLOAD_BYTES:
            context["refused"] = _("The file is larger than %(size)s MB.") % {
                "size": conf.WORKBOOK_MAX_UPLOAD_BYTES // (1024 * 1024)
            }
            status = 400
        else:
            try:
                pending, reading = offline.import_prepare(
                    actor=request.user,
                    assessment=assessment,
                    data=upload.read(conf.WORKBOOK_MAX_UPLOAD_BYTES + 1),
                    filename=upload.name or "",
                )
            except NotAllowed as refused:
                raise PermissionDenied from refused
            except ServiceError as error:
                context["refused"] = str(error)
                status = 400
            else:
                if pending is not None:
                    return redirect("reports:workbook_preview", key, organisation, pending.pk)
                context["errors"] = reading.errors
                status = 400
    return render(request, "reports/workbook_upload.html", context, status=status)


@require_http_methods(["GET", "POST"])
def workbook_preview(
    request: HttpRequest, key: str, organisation: str, import_id: UUID
) -> HttpResponse:
    assessment = _assessment(key, organisation)
    check(request, "reports.use_workbook", assessment)
    pending = get_object_or_404(
        WorkbookImport, pk=import_id, assessment=assessment, uploaded_by=request.user
    )
    if request.method == "POST" and pending.state == WorkbookImport.State.PENDING:
        if request.POST.get("decision") == "apply":
            try:
                count = offline.apply_import(
                    actor=request.user, pending=pending, address=client_address(request)
                )
            except NotAllowed as refused:
                raise PermissionDenied from refused
            except ServiceError as error:
                messages.error(request, str(error))
                return redirect("reports:workbook_upload", key, organisation)
            messages.success(
                request,
                _("Saved the changes of %(count)s items from the workbook.") % {"count": count},
            )
            return redirect("assessments:fill", key, organisation)
        offline.import_discard(actor=request.user, pending=pending)
        messages.info(request, _("The upload was discarded; nothing was changed."))
        return redirect("reports:workbook_upload", key, organisation)
    return render(
        request,
        "reports/workbook_preview.html",
        {"assessment": assessment, "round": assessment.round, "pending": pending},
    )
