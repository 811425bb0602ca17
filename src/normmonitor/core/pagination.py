"""Paging of long lists on pages (a national region has 385 organisations)."""

from __future__ import annotations

PAGE_SIZE = 50
"""Organisations (or weak spots) per page: a region of up to 50 organisations is shown whole; a
national region (385) is paged, which no reader could take in on one screen anyway and which
would make pages of megabytes."""


def page_number(value: str | None) -> int:
    """The page asked for in a query string; anything that is not a positive number is 1."""
    try:
        return max(1, int(value or 1))
    except ValueError:
        return 1
