"""Uploading, listing and downloading evidence. Evidence is looked up through the user's scoped
selector, so an id of another organisation's document is a 404 — its existence is not revealed."""

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from normmonitor.assessments.models import Answer, Assessment
from normmonitor.core.exceptions import NotAllowed, ServiceError
from normmonitor.core.views import check, client_address

from . import services
from .forms import EvidenceForm
from .models import Evidence
from .selectors import evidence_for_answer, evidence_history, visible_evidence

# A download is never rendered by the browser: no script, no plugin, no framing, even if a
# document managed to look like a web page.
DOWNLOAD_POLICY = "default-src 'none'; sandbox; frame-ancestors 'none'"


def _assessment(key: str, organisation: str) -> Assessment:
    try:
        return Assessment.objects.select_related(
            "round", "round__region", "round__norm_version", "organisation"
        ).get(round__key=key, organisation__code=organisation)
    except Assessment.DoesNotExist as missing:
        raise Http404 from missing


def _too_large() -> str:
    limit = min(settings.EVIDENCE_MAX_UPLOAD_BYTES, settings.NORMMONITOR_MAX_UPLOAD_BYTES)
    return _("The file is larger than the limit of %(limit)s MB.") % {
        "limit": limit // (1024 * 1024)
    }


def _store_upload(request: HttpRequest, form: EvidenceForm, store) -> bool:
    """Validate an upload and hand it to ``store``; errors end up on the form's file field.
    A refusal by the policy is a 404, as for any object the user may not see."""
    if getattr(request, "upload_too_large", False):
        form.is_valid()
        form.errors.pop("file", None)
        form.add_error("file", _too_large())
        return False
    if not form.is_valid():
        return False
    try:
        store(form.cleaned_data)
    except NotAllowed as refused:
        raise Http404 from refused
    except ServiceError as error:
        form.add_error("file", str(error))
        return False
    return True


def _visible(request: HttpRequest, evidence_id: int) -> Evidence:
    return get_object_or_404(visible_evidence(request.user), pk=evidence_id)


def _item_url(answer: Answer) -> str:
    assessment = answer.assessment
    return (
        reverse("assessments:fill", args=[assessment.round.key, assessment.organisation.code])
        + f"#item-{answer.requirement.code}"
    )


@require_http_methods(["GET", "POST"])
def evidence_upload(
    request: HttpRequest, key: str, organisation: str, answer_id: int
) -> HttpResponse:
    assessment = _assessment(key, organisation)
    check(request, "evidence.add_evidence", assessment)
    answer = get_object_or_404(
        Answer.objects.select_related(
            "requirement", "assessment__round", "assessment__organisation"
        ),
        pk=answer_id,
        assessment=assessment,
    )
    form = EvidenceForm(request.POST, request.FILES) if request.method == "POST" else EvidenceForm()
    status = 200
    if request.method == "POST":
        stored = _store_upload(
            request,
            form,
            lambda data: services.evidence_add(
                actor=request.user,
                answer=answer,
                uploaded_file=data["file"],
                note=data["note"],
                expires_on=data["expires_on"],
                address=client_address(request),
            ),
        )
        if stored:
            messages.success(
                request, _("Document added to %(item)s.") % {"item": answer.requirement.label}
            )
            return redirect(_item_url(answer))
        status = 400
    return render(
        request,
        "evidence/upload.html",
        {
            "form": form,
            "answer": answer,
            "assessment": assessment,
            "current": evidence_for_answer(request.user, answer),
        },
        status=status,
    )


@require_GET
def evidence_detail(request: HttpRequest, evidence_id: int) -> HttpResponse:
    evidence = _visible(request, evidence_id)
    assessment = evidence.answer.assessment
    return render(
        request,
        "evidence/detail.html",
        {
            "evidence": evidence,
            "history": evidence_history(request.user, evidence),
            "assessment": assessment,
            "can_change": evidence.is_current
            and request.user.has_perm("evidence.add_evidence", assessment),
        },
    )


@require_GET
def evidence_download(request: HttpRequest, evidence_id: int) -> HttpResponse:
    evidence = _visible(request, evidence_id)
    check(request, "evidence.view_evidence", evidence)
    try:
        handle = services.evidence_open(
            actor=request.user, evidence=evidence, address=client_address(request)
        )
    except NotAllowed as refused:
        raise Http404 from refused
    except ServiceError as error:
        return render(request, "evidence/damaged.html", {"error": str(error)}, status=500)
    response = FileResponse(
        handle, as_attachment=True, filename=evidence.name, content_type=evidence.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = DOWNLOAD_POLICY
    response["Cache-Control"] = "no-store, private"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


@require_http_methods(["GET", "POST"])
def evidence_replace(request: HttpRequest, evidence_id: int) -> HttpResponse:
    evidence = _visible(request, evidence_id)
    assessment = evidence.answer.assessment
    check(request, "evidence.add_evidence", assessment)
    form = (
        EvidenceForm(request.POST, request.FILES)
        if request.method == "POST"
        else EvidenceForm(initial={"note": evidence.note})
    )
    status = 200
    if request.method == "POST":
        stored = _store_upload(
            request,
            form,
            lambda data: services.evidence_replace(
                actor=request.user,
                evidence=evidence,
                uploaded_file=data["file"],
                note=data["note"],
                expires_on=data["expires_on"],
                address=client_address(request),
            ),
        )
        if stored:
            messages.success(
                request, _("New version of %(name)s uploaded.") % {"name": evidence.name}
            )
            return redirect(_item_url(evidence.answer))
        status = 400
    return render(
        request,
        "evidence/replace.html",
        {"form": form, "evidence": evidence, "assessment": assessment},
        status=status,
    )


@require_POST
def evidence_withdraw(request: HttpRequest, evidence_id: int) -> HttpResponse:
    evidence = _visible(request, evidence_id)
    check(request, "evidence.add_evidence", evidence.answer.assessment)
    try:
        services.evidence_withdraw(
            actor=request.user, evidence=evidence, address=client_address(request)
        )
    except NotAllowed as refused:
        raise Http404 from refused
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("%(name)s withdrawn; it stays in the history.") % {"name": evidence.name}
        )
    return redirect(_item_url(evidence.answer))
