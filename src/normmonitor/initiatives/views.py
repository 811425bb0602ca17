from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from normmonitor.access.selectors import visible_organisations, visible_regions
from normmonitor.core.exceptions import ServiceError
from normmonitor.core.views import check
from normmonitor.organisations.models import Organisation

from . import services
from .forms import FundingFormSet, InitiativeForm
from .models import Initiative
from .selectors import funding_total, linked_ambitions, visible_initiatives


@require_GET
def initiative_list(request: HttpRequest) -> HttpResponse:
    initiatives = visible_initiatives(request.user)
    organisation = request.GET.get("organisation")
    if organisation:
        initiatives = initiatives.filter(organisations__code=organisation).distinct()
    can_add = any(
        request.user.has_perm("initiatives.add_initiative", region)
        for region in visible_regions(request.user)
    )
    return render(
        request,
        "initiatives/list.html",
        {"initiatives": initiatives, "can_add": can_add},
    )


@require_GET
def initiative_detail(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = get_object_or_404(visible_initiatives(request.user), pk=pk)
    check(request, "initiatives.view_initiative", initiative)
    funding = list(initiative.funding.select_related("matches"))
    return render(
        request,
        "initiatives/detail.html",
        {
            "initiative": initiative,
            "funding": funding,
            "funding_total": funding_total(initiative),
            "ambitions": linked_ambitions(initiative),
            "can_change": request.user.has_perm("initiatives.change_initiative", initiative),
        },
    )


def _funding_lines(formset) -> list[services.FundingLine]:
    filled = [f.cleaned_data for f in formset.forms if f.cleaned_data.get("source")]
    return [
        services.FundingLine(
            source=data["source"],
            amount=data["amount"],
            year=data.get("year"),
            note=data.get("note") or "",
            matches=data["matches"] - 1 if data.get("matches") else None,
        )
        for data in filled
    ]


def _data(cleaned: dict) -> services.InitiativeData:
    return services.InitiativeData(
        title=cleaned["title"],
        organisations=list(cleaned["organisations"]),
        description=cleaned["description"],
        lead=cleaned["lead"],
        partners=cleaned["partners"],
        status=cleaned["status"],
        start_date=cleaned["start_date"],
        end_date=cleaned["end_date"],
        budget=cleaned["budget"],
        funding_source=cleaned["funding_source"],
        norm=cleaned["norm"],
        ambition_codes=cleaned["ambition_codes"],
        source=cleaned["source"],
    )


@require_http_methods(["GET", "POST"])
def initiative_new(request: HttpRequest) -> HttpResponse:
    regions = visible_regions(request.user)
    regions = regions.filter(
        pk__in=[r.pk for r in regions if request.user.has_perm("initiatives.add_initiative", r)]
    )
    if not regions.exists():
        raise PermissionDenied
    organisations = Organisation.objects.filter(regions__in=regions).distinct().order_by("name")
    form = InitiativeForm(request.POST or None, regions=regions, organisations=organisations)
    formset = FundingFormSet(request.POST or None, prefix="funding")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            initiative = services.initiative_create(
                actor=request.user,
                region=form.cleaned_data["region"],
                data=_data(form.cleaned_data),
                funding=_funding_lines(formset),
            )
        except ServiceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The initiative is registered."))
            return redirect("initiatives:detail", pk=initiative.pk)
    return render(
        request,
        "initiatives/form.html",
        {"form": form, "formset": formset, "initiative": None},
    )


@require_http_methods(["GET", "POST"])
def initiative_edit(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = get_object_or_404(visible_initiatives(request.user), pk=pk)
    check(request, "initiatives.change_initiative", initiative)
    organisations = (
        initiative.region.members.order_by("name")
        if initiative.region_id
        else visible_organisations(request.user).order_by("name")
    )
    initial = {
        "title": initiative.title,
        "description": initiative.description,
        "organisations": list(initiative.organisations.all()),
        "lead": initiative.lead,
        "partners": initiative.partners,
        "status": initiative.status,
        "start_date": initiative.start_date,
        "end_date": initiative.end_date,
        "budget": initiative.budget,
        "funding_source": initiative.funding_source,
        "norm": initiative.norm,
        "ambition_codes": ", ".join(initiative.ambition_codes),
        "source": initiative.source,
    }
    lines = list(initiative.funding.all())
    index = {line.pk: number for number, line in enumerate(lines, start=1)}
    funding_initial = [
        {
            "source": line.source,
            "amount": line.amount,
            "year": line.year,
            "note": line.note,
            "matches": index.get(line.matches_id),
        }
        for line in lines
    ]
    form = InitiativeForm(
        request.POST or None,
        initial=initial,
        regions=None,
        organisations=organisations,
        editing=True,
    )
    formset = FundingFormSet(request.POST or None, prefix="funding", initial=funding_initial)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            services.initiative_update(
                actor=request.user,
                initiative=initiative,
                data=_data(form.cleaned_data),
                funding=_funding_lines(formset),
            )
        except ServiceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The initiative is saved."))
            return redirect("initiatives:detail", pk=initiative.pk)
    return render(
        request,
        "initiatives/form.html",
        {"form": form, "formset": formset, "initiative": initiative},
    )


def organisation_initiatives(user, organisation: Organisation) -> list[Initiative]:
    """For the organisation page: the initiatives of an organisation the user may see."""
    return list(visible_initiatives(user).filter(organisations=organisation).distinct())
