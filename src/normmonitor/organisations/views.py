from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from normmonitor.access.selectors import visible_assessments, visible_organisations
from normmonitor.assessments.selectors import round_scores
from normmonitor.core.views import check

from .models import Organisation


@require_GET
def organisation_list(request: HttpRequest) -> HttpResponse:
    """The organisations the user may see, by type."""
    organisations = (
        visible_organisations(request.user).prefetch_related("regions").order_by("type", "name")
    )
    return render(request, "organisations/list.html", {"organisations": organisations})


@require_GET
def organisation_detail(request: HttpRequest, code: str) -> HttpResponse:
    """An organisation's own results over the rounds it took part in."""
    organisation = get_object_or_404(Organisation.objects.prefetch_related("regions"), code=code)
    check(request, "organisations.view_organisation", organisation)
    assessments = (
        visible_assessments(request.user)
        .filter(organisation=organisation)
        .select_related("round__norm_version")
        .order_by("round__reference_date")
    )
    assessments = list(assessments)
    # Whole rounds, read at once and remembered (assessments.selectors.round_scores); an
    # organisation's own figures do not depend on the others.
    scores = round_scores(assessment.round for assessment in assessments)
    history = [
        (assessment, scores[assessment.round_id].by_organisation.get(organisation.code))
        for assessment in assessments
    ]
    neighbours = Organisation.objects.filter(
        pk__in=organisation.neighbour_links.values("neighbour")
    ).order_by("name")
    return render(
        request,
        "organisations/detail.html",
        {
            "organisation": organisation,
            "history": history,
            "neighbours": neighbours,
            "can_edit": {
                a.pk: request.user.has_perm("assessments.change_assessment", a) for a, _ in history
            },
        },
    )
