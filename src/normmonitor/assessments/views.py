from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from normmonitor.core.exceptions import NotAllowed, ServiceError, StaleVersion
from normmonitor.core.views import check, client_address
from normmonitor.evidence.selectors import current_evidence_by_answer

from . import services
from .forms import AnswerForm
from .models import Answer, Assessment
from .selectors import answers_for_form, progress_by_assessment, round_score


def _assessment(key: str, organisation_code: str) -> Assessment:
    try:
        return Assessment.objects.select_related(
            "round", "round__region", "round__norm_version", "organisation"
        ).get(round__key=key, organisation__code=organisation_code)
    except Assessment.DoesNotExist as missing:
        raise Http404 from missing


def _score_context(assessment: Assessment) -> dict:
    score = round_score(assessment.round, {assessment.organisation_id})
    organisation_score = score.by_organisation.get(assessment.organisation.code)
    progress = progress_by_assessment(Assessment.objects.filter(pk=assessment.pk)).get(
        assessment.pk
    )
    return {"organisation_score": organisation_score, "progress": progress}


@require_GET
def assessment_detail(request: HttpRequest, key: str, organisation: str) -> HttpResponse:
    assessment = _assessment(key, organisation)
    check(request, "assessments.view_assessment", assessment)
    answers = {answer.requirement_id: answer for answer in answers_for_form(assessment)}
    requirements = list(
        assessment.round.norm_version.requirements.select_related("theme").order_by("order")
    )
    return render(
        request,
        "assessments/detail.html",
        {
            "assessment": assessment,
            "round": assessment.round,
            "requirements": requirements,
            "answers": answers,
            "evidence": current_evidence_by_answer(request.user, assessment),
            "can_edit": request.user.has_perm("assessments.change_assessment", assessment),
            **_score_context(assessment),
        },
    )


def _fill_context(
    request: HttpRequest,
    assessment: Assessment,
    override: AnswerForm | None = None,
    conflict: Answer | None = None,
) -> dict:
    """The fill-in page: every requirement that applies to the organisation, with a form for
    each directly rated one. ``override`` keeps a failed form's own input and errors."""
    forms_by_requirement = {
        answer.requirement_id: AnswerForm(answer=answer) for answer in answers_for_form(assessment)
    }
    if override is not None:
        forms_by_requirement[override.answer.requirement_id] = override
    organisation_type = assessment.organisation.type
    rows = [
        (
            requirement,
            forms_by_requirement.get(requirement.pk),
            conflict if override and override.answer.requirement_id == requirement.pk else None,
        )
        for requirement in assessment.round.norm_version.requirements.select_related(
            "theme"
        ).order_by("order")
        if organisation_type in requirement.applies_to
    ]
    return {
        "assessment": assessment,
        "round": assessment.round,
        "rows": rows,
        "evidence": current_evidence_by_answer(request.user, assessment),
        "can_add_evidence": request.user.has_perm("evidence.add_evidence", assessment),
        **_score_context(assessment),
    }


@require_GET
def assessment_fill(request: HttpRequest, key: str, organisation: str) -> HttpResponse:
    assessment = _assessment(key, organisation)
    check(request, "assessments.change_assessment", assessment)
    return render(request, "assessments/fill.html", _fill_context(request, assessment))


@require_http_methods(["GET", "POST"])
def answer_save(request: HttpRequest, key: str, organisation: str, answer_id: int) -> HttpResponse:
    """Save one item. Answered with the item's fragment for htmx, or a redirect back to the
    fill-in page for a plain form post. A failed save re-renders the user's own input."""
    assessment = _assessment(key, organisation)
    check(request, "assessments.change_assessment", assessment)
    # The answer must belong to this assessment: an id from another organisation is a 404.
    answer = get_object_or_404(
        Answer.objects.select_related("requirement", "level", "assessment"),
        pk=answer_id,
        assessment=assessment,
    )
    fill_url = reverse("assessments:fill", args=[key, organisation])
    if request.method == "GET":
        return redirect(f"{fill_url}#item-{answer.requirement.code}")

    form = AnswerForm(request.POST, answer=answer)
    status = 200
    conflict: Answer | None = None
    saved = False
    if form.is_valid():
        try:
            answer = services.answer_update(
                actor=request.user,
                answer=answer,
                level=form.cleaned_data["level"],
                explanation=form.cleaned_data["explanation"],
                planned_date=form.cleaned_data["planned_date"],
                owner=form.cleaned_data["owner"],
                last_done_on=form.cleaned_data.get("last_done_on"),
                expected_version=form.cleaned_data["version"],
                address=client_address(request),
            )
        except StaleVersion as error:
            conflict = Answer.objects.select_related("level", "updated_by").get(pk=answer.pk)
            # Keep the user's input, but against the version they have now seen, so that
            # saving again deliberately overwrites it.
            data = request.POST.copy()
            data[form.add_prefix("version")] = str(conflict.version)
            form = AnswerForm(data, answer=answer)
            form.is_valid()
            form.add_error(None, str(error))
            status = 409
        except NotAllowed as refused:
            raise Http404 from refused
        except ServiceError as error:
            form.add_error(None, str(error))
            status = 400
        else:
            saved = True
            form = AnswerForm(answer=answer)
    else:
        status = 400

    if not request.htmx:
        if saved:
            messages.success(request, _("Saved: %(code)s") % {"code": answer.requirement.label})
            return redirect(f"{fill_url}#item-{answer.requirement.code}")
        # Without JavaScript: show the whole page again with this item's errors and input.
        return render(
            request,
            "assessments/fill.html",
            _fill_context(request, assessment, form, conflict),
            status=status,
        )
    return render(
        request,
        "assessments/_answer_response.html",
        {
            "assessment": assessment,
            "requirement": answer.requirement,
            "form": form,
            "saved": saved,
            "conflict": conflict,
            **_score_context(assessment),
        },
        # htmx swaps only 2xx answers by default; the fragment itself carries the errors.
        status=200,
    )
