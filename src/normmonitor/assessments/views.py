from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from normmonitor.core.exceptions import NotAllowed, Refused, ServiceError, StaleVersion
from normmonitor.core.views import check, client_address
from normmonitor.evidence.selectors import current_evidence_by_answer

from . import services
from .fill import ItemForms, fill_rows, norm_layout
from .forms import AnswerForm
from .models import Answer, Assessment, AssessmentStatus, ReviewComment, ReviewStatus
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
            "can_submit": request.user.has_perm("assessments.submit_assessment", assessment),
            "can_review": request.user.has_perm("assessments.review_assessment", assessment),
            "can_view_heatmap": request.user.has_perm("rounds.view_heatmap", assessment.round),
            **_score_context(assessment),
        },
    )


def _threads(assessment: Assessment) -> dict[int, list[ReviewComment]]:
    threads: dict[int, list[ReviewComment]] = {}
    for comment in ReviewComment.objects.filter(answer__assessment=assessment).select_related(
        "author"
    ):
        threads.setdefault(comment.answer_id, []).append(comment)
    return threads


def _fill_context(
    request: HttpRequest,
    assessment: Assessment,
    override: AnswerForm | None = None,
    conflict: Answer | None = None,
) -> dict:
    """The fill-in page: every requirement that applies to the organisation, with a form for
    each directly rated one. ``override`` keeps a failed form's own input and errors."""
    return {
        "assessment": assessment,
        "round": assessment.round,
        "themes": fill_rows(
            assessment,
            evidence=current_evidence_by_answer(request.user, assessment),
            threads=_threads(assessment),
            override=override,
            conflict=conflict,
        ),
        "can_add_evidence": request.user.has_perm("evidence.add_evidence", assessment),
        "can_submit": request.user.has_perm("assessments.submit_assessment", assessment),
        "can_comment": request.user.has_perm("assessments.comment_assessment", assessment),
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

    levels = norm_layout(assessment.round.norm_version).levels
    form = AnswerForm(request.POST, answer=answer, levels=levels)
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
            form = AnswerForm(data, answer=answer, levels=levels)
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
            # Saved: the form shows the answer as it is now.
            "item": ItemForms(assessment, levels)(answer, None if saved else form),
            "saved": saved,
            "conflict": conflict,
            # Saved: the item's review state is shown again (out of band), with its thread.
            "comments": list(answer.comments.select_related("author")) if saved else [],
            **_score_context(assessment),
        },
        # htmx swaps only 2xx answers by default; the fragment itself carries the errors.
        status=200,
    )


# -- The working group's review ------------------------------------------------------------------


def _answer_in(assessment: Assessment, answer_id: int) -> Answer:
    """The answer must belong to the assessment in the URL: another organisation's id is a 404."""
    return get_object_or_404(
        Answer.objects.select_related(
            "requirement", "level", "assessment", "updated_by", "reviewed_by"
        ),
        pk=answer_id,
        assessment=assessment,
    )


def _conflict_message(answer: Answer) -> str:
    current = Answer.objects.select_related("level", "updated_by", "reviewed_by").get(pk=answer.pk)
    who = current.updated_by or current.reviewed_by
    return _(
        "Someone else changed %(item)s in the meantime (%(who)s, %(when)s): the rating is now "
        "“%(rating)s”, the review “%(review)s”, the deviation “%(deviation)s”. "
        "Nothing of yours was saved; look at it again."
    ) % {
        "item": current.requirement.label,
        "who": (who.get_full_name() or who.get_username()) if who else "?",
        "when": date_format(timezone.localtime(current.updated_at), "j F Y H:i"),
        "rating": current.level.label if current.level_id else "—",
        "review": current.get_review_status_display(),
        "deviation": current.get_deviation_status_display(),
    }


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    """Back to the page the form was on, if it is one of ours; never to another site."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(fallback)


def _version(request: HttpRequest, name: str = "version") -> int | None:
    try:
        return int(request.POST.get(name, ""))
    except ValueError:
        return None


@require_POST
def assessment_submit(request: HttpRequest, key: str, organisation: str) -> HttpResponse:
    assessment = _assessment(key, organisation)
    check(request, "assessments.view_assessment", assessment)
    fill_url = reverse("assessments:fill", args=[key, organisation])
    try:
        services.assessment_submit(
            actor=request.user,
            assessment=assessment,
            expected_version=_version(request),
            address=client_address(request),
        )
    except NotAllowed as refused:
        raise PermissionDenied from refused
    except ServiceError as error:
        messages.error(request, str(error))
        return redirect(fill_url)
    messages.success(request, _("Submitted to the working group for review."))
    return redirect("assessments:detail", key=key, organisation=organisation)


def _review_context(request: HttpRequest, assessment: Assessment) -> dict:
    answers = answers_for_form(assessment)
    threads = _threads(assessment)
    evidence = current_evidence_by_answer(request.user, assessment)
    items = [
        {
            "answer": answer,
            "comments": threads.get(answer.pk, []),
            "documents": evidence.get(answer.pk, []),
            "can_review": request.user.has_perm("assessments.review_answer", answer),
        }
        for answer in answers
    ]
    counts = {status: 0 for status in ReviewStatus.values}
    for answer in answers:
        counts[answer.review_status] += 1
    return {
        "assessment": assessment,
        "round": assessment.round,
        "items": items,
        "counts": counts,
        "own_submission": assessment.submitted_by_id == request.user.pk,
        "can_finish": request.user.has_perm("assessments.review_assessment", assessment)
        and assessment.status == AssessmentStatus.SUBMITTED,
        **_score_context(assessment),
    }


def _not_decided(
    request: HttpRequest, assessment: Assessment, answer: Answer, error: ServiceError
) -> HttpResponse:
    """The answer to a review decision on an item that was not taken: the review page again
    with the other's change (409) when someone changed the item in between; a refusal with its
    reason (403) when the user may not decide (four eyes); any other reason as a message, back
    at the item."""
    if isinstance(error, StaleVersion):
        context = _review_context(request, assessment)
        context["conflict"] = {"answer_id": answer.pk, "message": _conflict_message(answer)}
        return render(request, "assessments/review.html", context, status=409)
    if isinstance(error, NotAllowed):
        raise Refused(str(error)) from error
    messages.error(request, str(error))
    review_url = reverse(
        "assessments:review", args=[assessment.round.key, assessment.organisation.code]
    )
    return redirect(f"{review_url}#item-{answer.requirement.code}")


@require_GET
def assessment_review(request: HttpRequest, key: str, organisation: str) -> HttpResponse:
    assessment = _assessment(key, organisation)
    check(request, "assessments.review_assessment", assessment)
    return render(request, "assessments/review.html", _review_context(request, assessment))


@require_POST
def answer_review(
    request: HttpRequest, key: str, organisation: str, answer_id: int
) -> HttpResponse:
    assessment = _assessment(key, organisation)
    check(request, "assessments.review_assessment", assessment)
    answer = _answer_in(assessment, answer_id)
    decision = request.POST.get("decision")
    review_url = reverse("assessments:review", args=[key, organisation])
    if decision not in {"accept", "request_change"}:
        return redirect(review_url)
    try:
        services.answer_review(
            actor=request.user,
            answer=answer,
            accept=decision == "accept",
            comment=request.POST.get("comment", "")[:5000],
            expected_version=_version(request) if _version(request) is not None else -1,
            address=client_address(request),
        )
    except ServiceError as error:
        return _not_decided(request, assessment, answer, error)
    messages.success(
        request,
        (_("Accepted: %(item)s") if decision == "accept" else _("Change requested: %(item)s"))
        % {"item": answer.requirement.label},
    )
    return redirect(f"{review_url}#item-{answer.requirement.code}")


@require_POST
def assessment_finish_review(request: HttpRequest, key: str, organisation: str) -> HttpResponse:
    assessment = _assessment(key, organisation)
    check(request, "assessments.review_assessment", assessment)
    try:
        assessment = services.assessment_finish_review(
            actor=request.user,
            assessment=assessment,
            expected_version=_version(request),
            address=client_address(request),
        )
    except NotAllowed as refused:
        raise Refused(str(refused)) from refused
    except ServiceError as error:
        messages.error(request, str(error))
        return redirect("assessments:review", key=key, organisation=organisation)
    if assessment.status == AssessmentStatus.APPROVED:
        messages.success(request, _("The assessment is approved."))
    else:
        messages.success(request, _("The assessment goes back to the organisation for changes."))
    return redirect("assessments:detail", key=key, organisation=organisation)


@require_POST
def assessment_return(request: HttpRequest, key: str, organisation: str) -> HttpResponse:
    assessment = _assessment(key, organisation)
    check(request, "assessments.review_assessment", assessment)
    try:
        services.assessment_return(
            actor=request.user,
            assessment=assessment,
            comment=request.POST.get("comment", "")[:5000],
            address=client_address(request),
        )
    except ServiceError as error:
        messages.error(request, str(error))
        return redirect("assessments:review", key=key, organisation=organisation)
    messages.success(request, _("The assessment goes back to the organisation for changes."))
    return redirect("assessments:detail", key=key, organisation=organisation)


@require_POST
def answer_deviation(
    request: HttpRequest, key: str, organisation: str, answer_id: int
) -> HttpResponse:
    """The organisation proposes (or withdraws) a deviation for one item."""
    assessment = _assessment(key, organisation)
    check(request, "assessments.view_assessment", assessment)
    answer = _answer_in(assessment, answer_id)
    fill_url = reverse("assessments:fill", args=[key, organisation])
    item_url = f"{fill_url}#item-{answer.requirement.code}"
    version = _version(request)
    try:
        if request.POST.get("action") == "withdraw":
            services.deviation_withdraw(
                actor=request.user,
                answer=answer,
                expected_version=-1 if version is None else version,
                address=client_address(request),
            )
            messages.success(request, _("Deviation withdrawn."))
        else:
            services.deviation_propose(
                actor=request.user,
                answer=answer,
                motivation=request.POST.get("motivation", "")[:10000],
                expected_version=-1 if version is None else version,
                address=client_address(request),
            )
            messages.success(request, _("Deviation proposed to the working group."))
    except StaleVersion:
        messages.error(request, _conflict_message(answer))
    except NotAllowed as refused:
        raise PermissionDenied from refused
    except ServiceError as error:
        messages.error(request, str(error))
    return redirect(item_url)


@require_POST
def answer_deviation_decide(
    request: HttpRequest, key: str, organisation: str, answer_id: int
) -> HttpResponse:
    assessment = _assessment(key, organisation)
    check(request, "assessments.review_assessment", assessment)
    answer = _answer_in(assessment, answer_id)
    review_url = reverse("assessments:review", args=[key, organisation])
    decision = request.POST.get("decision")
    if decision not in {"accept", "reject"}:
        return redirect(review_url)
    version = _version(request)
    try:
        services.deviation_decide(
            actor=request.user,
            answer=answer,
            accept=decision == "accept",
            comment=request.POST.get("comment", "")[:5000],
            expected_version=-1 if version is None else version,
            address=client_address(request),
        )
    except ServiceError as error:
        return _not_decided(request, assessment, answer, error)
    messages.success(
        request,
        _("Deviation accepted.") if decision == "accept" else _("Deviation rejected."),
    )
    return redirect(f"{review_url}#item-{answer.requirement.code}")


@require_http_methods(["GET", "POST"])
def answer_comments(
    request: HttpRequest, key: str, organisation: str, answer_id: int
) -> HttpResponse:
    """An item's thread: readable by everyone who sees the assessment's explanations."""
    assessment = _assessment(key, organisation)
    check(request, "assessments.view_assessment", assessment)
    answer = _answer_in(assessment, answer_id)
    if request.method == "POST":
        check(request, "assessments.comment_assessment", assessment)
        try:
            services.comment_add(
                actor=request.user,
                answer=answer,
                text=request.POST.get("text", "")[:5000],
                address=client_address(request),
            )
        except ServiceError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Comment added."))
        return _back(request, reverse("assessments:comments", args=[key, organisation, answer.pk]))
    return render(
        request,
        "assessments/comments.html",
        {
            "assessment": assessment,
            "round": assessment.round,
            "answer": answer,
            "comments": answer.comments.select_related("author"),
            "can_comment": request.user.has_perm("assessments.comment_assessment", assessment),
        },
    )
