"""Uploading documents, their findings beside the text, adopting findings into the open
round's assessment (with a confirmation step), and the region's comparison.

Documents are looked up through the user's scoped selector, so the id of a document the user
may not see is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from normmonitor.assessments.models import Assessment
from normmonitor.core.exceptions import NotAllowed, ServiceError, StaleVersion
from normmonitor.core.views import check, client_address
from normmonitor.evidence import storage
from normmonitor.organisations.models import Organisation, Region

from . import selectors, services
from .forms import AdoptionForm, AdoptionRow, SharingForm, UploadForm
from .models import DocumentKind, ScannedDocument

# A download is never rendered by the browser (as for evidence).
DOWNLOAD_POLICY = "default-src 'none'; sandbox; frame-ancestors 'none'"
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "application/octet-stream",
    "cvdr": "application/xml",
    "text": "text/plain; charset=utf-8",
}


def _crumbs(*items: tuple[str, str]) -> list[dict[str, str]]:
    """Breadcrumbs after "Start", as normmonitor/_breadcrumbs.html takes them."""
    return [{"url": url, "label": label} for url, label in items]


def _to_list() -> tuple[str, str]:
    return reverse("documentscan:list"), _("Documents")


def _to_document(document: ScannedDocument) -> tuple[str, str]:
    return reverse("documentscan:detail", args=[document.pk]), str(document)


def _document(request: HttpRequest, pk: int) -> ScannedDocument:
    return get_object_or_404(selectors.visible_documents(request.user), pk=pk)


@require_GET
def document_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.document_rows(request.user)
    return render(
        request,
        "documentscan/list.html",
        {
            "rows": rows,
            "uploadable": selectors.uploadable_organisations(request.user),
            "regions": selectors.comparable_regions(request.user),
            "crumbs": [],
            "crumb": _("Documents"),
        },
    )


@require_http_methods(["GET", "POST"])
def document_upload(request: HttpRequest, organisation: str) -> HttpResponse:
    target = get_object_or_404(Organisation, code=organisation)
    check(request, "documentscan.upload_document", target)
    form = UploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                scan = services.document_upload(
                    actor=request.user,
                    organisation=target,
                    uploaded_file=form.cleaned_data["document"],
                    kind=form.cleaned_data["kind"],
                    address=client_address(request),
                )
            except services.DocumentRejected as rejected:
                form.add_error("document", str(rejected))
            else:
                messages.success(request, _("The document has been read and scanned."))
                return redirect("documentscan:detail", pk=scan.document_id)
        status = 400
    return render(
        request,
        "documentscan/upload.html",
        {
            "form": form,
            "organisation": target,
            "max_mb": services.max_upload_bytes() // 2**20,
            "crumbs": _crumbs(_to_list()),
            "crumb": _("Upload a document"),
        },
        status=status,
    )


@require_GET
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = _document(request, pk)
    check(request, "documentscan.view_document", document.organisation)
    scan = selectors.latest_scan(document)
    if scan is None:
        raise Http404
    findings = selectors.findings_of(scan)
    assessments = [
        assessment
        for assessment in selectors.open_assessments(document.organisation)
        if request.user.has_perm("documentscan.adopt_findings", assessment)
    ]
    return render(
        request,
        "documentscan/detail.html",
        {
            "document": document,
            "scan": scan,
            "findings": [(index, finding) for index, finding in enumerate(findings)],
            "segments": selectors.text_segments(document, scan),
            "assessments": assessments,
            "citations": scan.citations.select_related("answer__assessment__round")[:50],
            "crumbs": _crumbs(_to_list()),
            "crumb": str(document),
        },
    )


@require_GET
def document_download(request: HttpRequest, pk: int) -> HttpResponse:
    document = _document(request, pk)
    check(request, "documentscan.view_document", document.organisation)
    try:
        handle = storage.open_verified(document.sha256)
    except storage.DamagedFile as damaged:
        raise Http404 from damaged
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.name,
        content_type=CONTENT_TYPES.get(document.format, "application/octet-stream"),
    )
    response.headers["Content-Security-Policy"] = DOWNLOAD_POLICY
    return response


# --------------------------------------------------------------------------------------------
# Adoption: choose, confirm, apply


def _adoption_rows(scan, assessment: Assessment) -> tuple[list[AdoptionRow], list]:
    scale = list(assessment.round.norm_version.scale.order_by("order"))
    answers = selectors.answers_by_code(assessment)
    rows = []
    for finding in selectors.findings_of(scan):
        answer = answers.get(finding.requirement)
        if answer is None:
            continue
        rows.append(
            AdoptionRow(
                index=len(rows),
                finding=finding,
                answer=answer,
                proposed=selectors.proposed_level(finding.propose, scale),
            )
        )
    return rows, scale


@require_http_methods(["GET", "POST"])
def findings_adopt(request: HttpRequest, pk: int) -> HttpResponse:
    document = _document(request, pk)
    scan = selectors.latest_scan(document)
    candidates = list(selectors.open_assessments(document.organisation))
    chosen_id = request.POST.get("assessment") or request.GET.get("beoordeling")
    assessment = next((a for a in candidates if str(a.pk) == chosen_id), None)
    assessment = assessment or (candidates[0] if candidates else None)
    if scan is None or assessment is None:
        messages.error(request, _("There is no open round to adopt the findings into."))
        return redirect("documentscan:detail", pk=document.pk)
    check(request, "documentscan.adopt_findings", assessment)

    rows, scale = _adoption_rows(scan, assessment)
    action = request.POST.get("action", "")
    form = AdoptionForm(request.POST or None, rows=rows, scale=scale)
    context = {
        "document": document,
        "scan": scan,
        "assessment": assessment,
        "assessments": candidates,
        "form": form,
        "crumbs": _crumbs(_to_list(), _to_document(document)),
        "crumb": _("Adopt findings"),
    }
    if request.method == "GET" or action == "edit" or not form.is_valid():
        return render(
            request,
            "documentscan/adopt.html",
            context,
            status=400 if request.method == "POST" and action != "edit" else 200,
        )

    chosen = form.chosen()
    if action != "confirm":
        changes = [
            {
                "row": row,
                "level": level or row.answer.level,
                "keeps_level": level is None or level == row.answer.level,
                "citation": services.citation_text(document, row.finding),
            }
            for row, level, _version in chosen
        ]
        return render(
            request,
            "documentscan/confirm.html",
            {**context, "changes": changes, "evidence_name": services.evidence_name(document)},
        )

    try:
        citations = services.findings_adopt(
            actor=request.user,
            scan=scan,
            assessment=assessment,
            adoptions=[
                services.Adoption(row.finding.requirement, level, version)
                for row, level, version in chosen
            ],
            address=client_address(request),
        )
    except StaleVersion:
        messages.error(
            request,
            _(
                "Someone changed one of these items in the meantime. Nothing was adopted; "
                "look at the current answers and confirm again."
            ),
        )
        rows, scale = _adoption_rows(scan, assessment)
        context["form"] = AdoptionForm(rows=rows, scale=scale)
        return render(request, "documentscan/adopt.html", context, status=409)
    except NotAllowed as refused:
        raise Http404 from refused
    except ServiceError as error:
        messages.error(request, str(error))
        return render(request, "documentscan/adopt.html", context, status=400)
    messages.success(
        request,
        _("%(count)s finding(s) adopted into %(round)s.")
        % {"count": len(citations), "round": assessment.round.name},
    )
    return redirect(
        reverse("assessments:detail", args=[assessment.round.key, assessment.organisation.code])
    )


# --------------------------------------------------------------------------------------------
# Region


def _region(request: HttpRequest, key: str) -> Region:
    region = get_object_or_404(Region, key=key)
    check(request, "documentscan.view_region_documents", region)
    return region


def _kind(request: HttpRequest) -> str:
    kind = request.GET.get("soort", DocumentKind.APV)
    return kind if kind in DocumentKind.values else DocumentKind.APV


@require_GET
def region_matrix(request: HttpRequest, key: str) -> HttpResponse:
    region = _region(request, key)
    kind = _kind(request)
    rules = selectors.region_rules(region, kind)
    members = selectors.region_members(request.user, region)
    shared = selectors.editors_see_region(region)
    return render(
        request,
        "documentscan/matrix.html",
        {
            "region": region,
            "kind": kind,
            "kinds": DocumentKind.choices,
            "rules": rules,
            "rows": selectors.region_matrix(members, kind, rules),
            "can_manage": request.user.has_perm("documentscan.manage_region_documents", region),
            "sharing": SharingForm(initial={"editors_see_region": shared}),
            "shared": shared,
            "crumbs": _crumbs(_to_list()),
            "crumb": region.name,
        },
    )


@require_POST
def region_sharing(request: HttpRequest, key: str) -> HttpResponse:
    region = get_object_or_404(Region, key=key)
    check(request, "documentscan.manage_region_documents", region)
    form = SharingForm(request.POST)
    form.is_valid()
    services.region_setting_update(
        actor=request.user,
        region=region,
        editors_see_region=form.cleaned_data.get("editors_see_region", False),
        address=client_address(request),
    )
    messages.success(request, _("The sharing setting has been saved."))
    return redirect("documentscan:matrix", key=region.key)


@require_GET
def region_compare(request: HttpRequest, key: str) -> HttpResponse:
    region = _region(request, key)
    kind = _kind(request)
    rules = selectors.region_rules(region, kind)
    members = {
        organisation.code: organisation
        for organisation in selectors.applicable_organisations(
            selectors.region_members(request.user, region), rules
        )
    }
    codes = [rule.requirement for rule in rules]
    requirement = request.GET.get("onderwerp") or (codes[0] if codes else "")
    left_code = request.GET.get("links", "")
    right_code = request.GET.get("rechts", "")
    comparison = None
    if requirement in codes and left_code in members and right_code in members:
        comparison = selectors.compare_members(
            members[left_code], members[right_code], requirement, kind
        )
    return render(
        request,
        "documentscan/compare.html",
        {
            "region": region,
            "kind": kind,
            "rules": rules,
            "members": list(members.values()),
            "requirement": requirement,
            "left": left_code,
            "right": right_code,
            "comparison": comparison,
            "crumbs": _crumbs(
                _to_list(),
                (f"{reverse('documentscan:matrix', args=[region.key])}?soort={kind}", region.name),
            ),
            "crumb": _("Compare a provision"),
        },
    )
