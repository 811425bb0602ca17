"""Page-number pagination with HAL links (``_links``: self, first, prev, next, last), the
embedded items under ``_embedded.<name>`` and the counts under ``page``."""

from __future__ import annotations

import math
from typing import Any

from django.db.models import QuerySet
from rest_framework import serializers
from rest_framework.utils.urls import replace_query_param

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 500


class PageQuery(serializers.Serializer):
    page = serializers.IntegerField(min_value=1, max_value=1_000_000, default=1)
    pageSize = serializers.IntegerField(
        min_value=1, max_value=MAX_PAGE_SIZE, default=DEFAULT_PAGE_SIZE
    )


class Page:
    def __init__(self, items: list[Any], number: int, size: int, total: int) -> None:
        self.items = items
        self.number = number
        self.size = size
        self.total = total

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.size))


def paginate(queryset: QuerySet | list, query: dict[str, int]) -> Page:
    """One COUNT and one page query. A page past the last one is empty, not an error."""
    number, size = query["page"], query["pageSize"]
    total = queryset.count() if isinstance(queryset, QuerySet) else len(queryset)
    start = (number - 1) * size
    items = list(queryset[start : start + size]) if start < total else []
    return Page(items, number, size, total)


def paginated_body(request: Any, page: Page, name: str, items: list[Any]) -> dict[str, Any]:
    url = request.build_absolute_uri()

    def at(number: int) -> dict[str, str]:
        return {
            "href": replace_query_param(
                replace_query_param(url, "pageSize", page.size), "page", number
            )
        }

    links: dict[str, Any] = {"self": at(page.number), "first": at(1)}
    if 1 < page.number <= page.pages + 1:
        links["prev"] = at(page.number - 1)
    if page.number < page.pages:
        links["next"] = at(page.number + 1)
    links["last"] = at(page.pages)
    return {
        "_links": links,
        "_embedded": {name: items},
        "page": {
            "number": page.number,
            "size": page.size,
            "totalElements": page.total,
            "totalPages": page.pages,
        },
    }
