"""The audit trail for coordinators (their region) and administrators (everything): a filtered
list and a CSV export. The export is itself audited."""

import csv

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from normmonitor.core.views import check, client_address

from .forms import EventFilterForm
from .selectors import csv_rows, visible_events
from .services import record


class _Echo:
    def write(self, value: str) -> str:
        return value


@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    check(request, "audit.view_auditlog")
    form = EventFilterForm(request.GET or None)
    events = form.event_filter().apply(visible_events(request.user))
    page = Paginator(events.order_by("-at", "-id"), 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@require_GET
def event_export(request: HttpRequest) -> HttpResponse:
    check(request, "audit.view_auditlog")
    form = EventFilterForm(request.GET or None)
    event_filter = form.event_filter()
    events = event_filter.apply(visible_events(request.user))
    # The export is recorded before it is streamed, with what it selected.
    record(
        "audit.exported",
        actor=request.user,
        address=client_address(request),
        filter=event_filter.as_dict(),
        rows=events.count(),
    )
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in csv_rows(events)), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
