from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from normmonitor.core.views import check, client_address
from normmonitor.organisations.models import Region

from .services import region_sharing_set


@require_http_methods(["GET", "POST"])
def region_sharing(request: HttpRequest, key: str) -> HttpResponse:
    region = get_object_or_404(Region, key=key)
    check(request, "organisations.change_region_sharing", region)
    if request.method == "POST":
        region_sharing_set(
            actor=request.user,
            region=region,
            ratings_visible_to_members=request.POST.get("ratings_visible_to_members") == "on",
            address=client_address(request),
        )
        messages.success(request, _("Saved."))
        return redirect("access:region_sharing", key=key)
    return render(request, "access/region_sharing.html", {"region": region})
