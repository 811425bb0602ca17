from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from normmonitor.access.selectors import visible_organisations
from normmonitor.core.exceptions import ServiceError
from normmonitor.core.views import check
from normmonitor.organisations.models import Organisation

from . import services
from .forms import AnswersForm, ScanForm
from .models import Questionnaire
from .selectors import scan_report, visible_scans


@require_GET
def scan_list(request: HttpRequest) -> HttpResponse:
    can_add = [
        o
        for o in visible_organisations(request.user).prefetch_related("regions").order_by("name")
        if request.user.has_perm("resiliencescan.add_scan", o)
    ]
    return render(
        request,
        "resiliencescan/list.html",
        {
            "scans": visible_scans(request.user).order_by("organisation__name", "-conducted_on"),
            "can_add": can_add if Questionnaire.objects.exists() else [],
        },
    )


@require_http_methods(["GET", "POST"])
def scan_new(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("organisation")
    if not code:
        raise PermissionDenied
    organisation = get_object_or_404(Organisation.objects.prefetch_related("regions"), code=code)
    check(request, "resiliencescan.add_scan", organisation)
    form = ScanForm(
        request.POST or None,
        initial={
            "conducted_on": timezone.localdate(),
            "questionnaire": Questionnaire.objects.order_by("-loaded_at").first(),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            scan = services.scan_create(
                actor=request.user,
                organisation=organisation,
                questionnaire=data["questionnaire"],
                conducted_on=data["conducted_on"],
                conducted_by=data["conducted_by"],
                baseline=data["baseline"],
            )
        except ServiceError as error:
            form.add_error(None, str(error))
        else:
            return redirect("resiliencescan:fill", pk=scan.pk)
    return render(request, "resiliencescan/new.html", {"form": form, "organisation": organisation})


def _scan(request: HttpRequest, pk: int):
    scan = get_object_or_404(
        visible_scans(request.user).prefetch_related("organisation__regions"), pk=pk
    )
    check(request, "resiliencescan.view_scan", scan)
    return scan


@require_http_methods(["GET", "POST"])
def scan_fill(request: HttpRequest, pk: int) -> HttpResponse:
    scan = _scan(request, pk)
    can_change = request.user.has_perm("resiliencescan.change_scan", scan)
    if scan.is_completed or not can_change:
        return redirect("resiliencescan:report", pk=scan.pk)
    document = services.document_of(scan.questionnaire)
    questions = list(document.questions_for(scan.organisation.type))
    current = {a.question: a for a in scan.answers.all()}
    initial = {}
    for question in questions:
        if question.code in current:
            initial[f"q_{question.code}"] = current[question.code].answer
            initial[f"n_{question.code}"] = current[question.code].note
    form = AnswersForm(
        request.POST or None, initial=initial, document=document, questions=questions
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.scan_save(actor=request.user, scan=scan, answers=form.answers())
            if "complete" in request.POST:
                services.scan_complete(actor=request.user, scan=scan)
        except ServiceError as error:
            messages.error(request, str(error))
        else:
            if "complete" in request.POST:
                messages.success(request, _("The scan is completed."))
                return redirect("resiliencescan:report", pk=scan.pk)
            messages.success(request, _("The answers are saved."))
            return redirect("resiliencescan:fill", pk=scan.pk)
    sections = [
        (section, [p for p in form.pairs() if p[0].section == section.code])
        for section in document.sections
    ]
    return render(
        request,
        "resiliencescan/fill.html",
        {"scan": scan, "document": document, "form": form, "sections": sections},
    )


@require_GET
def scan_report_view(request: HttpRequest, pk: int) -> HttpResponse:
    scan = _scan(request, pk)
    return render(
        request,
        "resiliencescan/report.html",
        {
            "scan": scan,
            "content": scan_report(scan),
            "can_change": request.user.has_perm("resiliencescan.change_scan", scan),
        },
    )


@require_POST
def scan_propose(request: HttpRequest, pk: int) -> HttpResponse:
    scan = _scan(request, pk)
    check(request, "resiliencescan.change_scan", scan)
    try:
        created = services.scan_propose_actions(actor=request.user, scan=scan)
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("%(count)s actions proposed; see the actions of %(organisation)s.")
            % {"count": len(created), "organisation": scan.organisation.name},
        )
    return redirect("resiliencescan:report", pk=scan.pk)
