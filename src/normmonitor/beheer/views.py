"""Management pages for administrators. Each view checks its permission (access/policy.py),
parses input with a form and calls a service (beheer/services.py)."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from normmonitor.access.models import Membership
from normmonitor.core.exceptions import ServiceError
from normmonitor.core.views import check, client_address
from normmonitor.norms.models import NormVersion
from normmonitor.norms.normfile import NormFileError
from normmonitor.norms.selectors import norm_tree
from normmonitor.organisations.models import Organisation, Region
from normmonitor.organisations.selectors import neighbour_map

from . import services
from .forms import (
    MembershipForm,
    NormUploadForm,
    OrganisationForm,
    RegionMembersForm,
    UserCreateForm,
)


def _posted(request: HttpRequest):
    """The submitted data, also when it is empty (``request.POST or None`` would skip the
    validation of an empty submission)."""
    return request.POST if request.method == "POST" else None


def _field_of(error: ServiceError, form) -> str | None:
    """The form field a service's refusal is about, so that it is shown (and linked) there."""
    field = getattr(error, "field", None)
    return field if field in form.fields else None


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    check(request, "beheer.view_management")
    User = get_user_model()
    return render(
        request,
        "beheer/home.html",
        {
            "counts": {
                "norms": NormVersion.objects.count(),
                "organisations": Organisation.objects.count(),
                "regions": Region.objects.count(),
                "users": User.objects.filter(is_active=True).count(),
            },
        },
    )


# -- Norms ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def norms(request: HttpRequest) -> HttpResponse:
    """The stored norm versions, and a form to check or load a norm file: "check" only
    validates, "load" validates and loads, as ``normmonitor norm validate`` and ``… load``."""
    check(request, "norms.manage_norm")
    form = NormUploadForm(_posted(request), request.FILES or None)
    problems = None
    checked = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            document = services.read_norm_upload(upload.read(), upload.name)
        except NormFileError as error:
            problems = [problem.format() for problem in error.problems]
            form.add_error(
                "file",
                _("The norm file has %(count)s problem(s); they are listed below the form.")
                % {"count": len(problems)},
            )
        except ServiceError as error:
            form.add_error("file", str(error))
        else:
            if request.POST.get("action") == "load":
                result = services.norm_load(
                    actor=request.user, document=document, address=client_address(request)
                )
                if result.created:
                    messages.success(
                        request,
                        _("Loaded: %(norm)s, revision %(revision)s.")
                        % {"norm": result.norm_version, "revision": result.norm_version.revision},
                    )
                else:
                    messages.info(
                        request,
                        _("Nothing changed: this content is already loaded as %(norm)s.")
                        % {"norm": result.norm_version},
                    )
                return redirect("beheer:norm", pk=result.norm_version.pk)
            checked = document
    versions = (
        NormVersion.objects.select_related("norm")
        .annotate(requirement_count=Count("requirements", distinct=True))
        .annotate(round_count=Count("rounds", distinct=True))
        .order_by("norm__key", "-date", "-revision")
    )
    return render(
        request,
        "beheer/norms.html",
        {
            "form": form,
            "versions": versions,
            "problems": problems,
            "checked": checked,
            "checked_requirements": sum(1 for _ in checked.walk()) if checked else 0,
        },
    )


@require_GET
def norm_detail(request: HttpRequest, pk: int) -> HttpResponse:
    check(request, "norms.manage_norm")
    version = get_object_or_404(NormVersion.objects.select_related("norm"), pk=pk)
    return render(
        request,
        "beheer/norm.html",
        {"version": version, "tree": norm_tree(version), "rounds": version.rounds.all()},
    )


# -- Organisations and regions --------------------------------------------------------------


@require_GET
def organisations(request: HttpRequest) -> HttpResponse:
    check(request, "organisations.manage_organisation")
    return render(
        request,
        "beheer/organisations.html",
        {
            "organisations": Organisation.objects.prefetch_related("regions").order_by(
                "type", "name"
            )
        },
    )


@require_http_methods(["GET", "POST"])
def organisation_new(request: HttpRequest) -> HttpResponse:
    check(request, "organisations.manage_organisation")
    form = OrganisationForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_create(
                actor=request.user, address=client_address(request), **form.cleaned_data
            )
        except ServiceError as error:
            form.add_error(_field_of(error, form), str(error))
        else:
            messages.success(request, _("Organisation created: %(name)s") % {"name": organisation})
            return redirect("beheer:organisations")
    return render(request, "beheer/organisation_form.html", {"form": form, "organisation": None})


@require_http_methods(["GET", "POST"])
def organisation_edit(request: HttpRequest, code: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, code=code)
    check(request, "organisations.manage_organisation", organisation)
    initial = {field: getattr(organisation, field) for field in services.ORGANISATION_FIELDS}
    form = OrganisationForm(_posted(request), initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(
                actor=request.user,
                organisation=organisation,
                address=client_address(request),
                **form.cleaned_data,
            )
        except ServiceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Saved: %(name)s") % {"name": form.cleaned_data["name"]})
            return redirect("beheer:organisations")
    return render(
        request, "beheer/organisation_form.html", {"form": form, "organisation": organisation}
    )


@require_GET
def regions(request: HttpRequest) -> HttpResponse:
    check(request, "beheer.view_management")
    return render(
        request,
        "beheer/regions.html",
        {"regions": Region.objects.annotate(member_count=Count("members")).order_by("name")},
    )


@require_http_methods(["GET", "POST"])
def region_detail(request: HttpRequest, key: str) -> HttpResponse:
    region = get_object_or_404(Region, key=key)
    check(request, "beheer.view_management")
    can_change = request.user.has_perm("organisations.manage_region", region)
    form = RegionMembersForm(_posted(request), initial={"members": region.members.all()})
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.region_set_members(
                    actor=request.user,
                    region=region,
                    members=list(form.cleaned_data["members"]),
                    address=client_address(request),
                )
            except ServiceError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Saved: %(name)s") % {"name": region.name})
                return redirect("beheer:region", key=region.key)
    members = list(region.members.order_by("type", "name"))
    by_code = {organisation.code: organisation for organisation in members}
    pairs = sorted(
        {
            tuple(sorted((by_code[a].name, by_code[b].name)))
            for a, neighbours in neighbour_map(region).items()
            for b in neighbours
            if a in by_code and b in by_code
        }
    )
    return render(
        request,
        "beheer/region.html",
        {
            "region": region,
            "members": members,
            "neighbour_pairs": pairs,
            "form": form,
            "can_change": can_change,
        },
    )


# -- Users and memberships ----------------------------------------------------------------------


@require_GET
def users(request: HttpRequest) -> HttpResponse:
    check(request, "access.manage_user")
    User = get_user_model()
    accounts = User.objects.prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.select_related("organisation", "region").order_by("role"),
        )
    ).order_by("-is_active", "username")
    return render(request, "beheer/users.html", {"accounts": accounts})


@require_http_methods(["GET", "POST"])
def user_new(request: HttpRequest) -> HttpResponse:
    check(request, "access.manage_user")
    form = UserCreateForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            account = services.user_create(
                actor=request.user, address=client_address(request), **form.cleaned_data
            )
        except ServiceError as error:
            form.add_error(_field_of(error, form), str(error))
        else:
            messages.success(
                request,
                _("User %(name)s created. Now give them a role.") % {"name": account.username},
            )
            return redirect("beheer:user", pk=account.pk)
    return render(request, "beheer/user_new.html", {"form": form})


@require_http_methods(["GET", "POST"])
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A user's roles, a form to add one, and (de)activation."""
    check(request, "access.manage_user")
    account = get_object_or_404(get_user_model(), pk=pk)
    form = MembershipForm(_posted(request))
    if request.method == "POST":
        check(request, "access.manage_membership")
        if form.is_valid():
            try:
                services.membership_create(
                    actor=request.user,
                    user=account,
                    address=client_address(request),
                    **form.cleaned_data,
                )
            except ServiceError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Role added."))
                return redirect("beheer:user", pk=account.pk)
    memberships = account.memberships.select_related("organisation", "region").order_by("role")
    return render(
        request,
        "beheer/user.html",
        {"account": account, "memberships": memberships, "form": form},
    )


@require_POST
def membership_delete(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    check(request, "access.manage_membership")
    membership = get_object_or_404(
        Membership.objects.select_related("user", "organisation", "region"),
        pk=membership_pk,
        user_id=pk,
    )
    try:
        services.membership_delete(
            actor=request.user, membership=membership, address=client_address(request)
        )
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Role removed."))
    return redirect("beheer:user", pk=pk)


@require_POST
def user_active(request: HttpRequest, pk: int) -> HttpResponse:
    check(request, "access.manage_user")
    account = get_object_or_404(get_user_model(), pk=pk)
    active = request.POST.get("active") == "1"
    try:
        services.user_set_active(
            actor=request.user, user=account, active=active, address=client_address(request)
        )
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("%(name)s can log in again.") % {"name": account.username}
            if active
            else _("%(name)s can no longer log in.") % {"name": account.username},
        )
    return redirect("beheer:user", pk=pk)
