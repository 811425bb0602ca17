"""Read-only queries on organisations, regions and neighbours."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Neighbour, Organisation, Region


def neighbours_of(organisation: Organisation) -> QuerySet[Organisation]:
    """All neighbours of an organisation, inside or outside its regions, ordered by name."""
    linked = Neighbour.objects.filter(organisation=organisation).values("neighbour_id")
    return Organisation.objects.filter(pk__in=linked)


def neighbour_map(region: Region) -> dict[str, set[str]]:
    """Member code → codes of the members it neighbours, in one query. Every member has an
    entry, an empty set if it has no neighbour within the region."""
    # LEFT JOINs from each member through its links to the regions of each neighbour, so that
    # members without links still come back; links leaving the region are dropped below.
    # (FilteredRelation cannot express "neighbour is a member" in SQL.)
    rows = (
        Organisation.objects.filter(regions=region)
        .values_list(
            "code", "neighbour_links__neighbour__code", "neighbour_links__neighbour__regions"
        )
        .order_by()
    )
    result: dict[str, set[str]] = {}
    for code, neighbour, neighbour_region in rows:
        result.setdefault(code, set())
        if neighbour_region == region.pk:
            result[code].add(neighbour)
    return dict(sorted(result.items()))
