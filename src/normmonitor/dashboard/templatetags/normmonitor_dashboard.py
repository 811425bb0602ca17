"""Template tags of the dashboard: the heat map's cells, rendered without the template engine.

A page of the heat map has up to 50 × 60 cells; through ``{% for %}`` and four properties per
cell that took most of the page's time. Cells with the same ambition and outcome look the
same, so each distinct cell is built (and escaped) once per page."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from ..selectors import OrganisationRow

register = template.Library()


@register.simple_tag(takes_context=True)
def heatmap_cells(context: template.Context, row: OrganisationRow) -> SafeString:
    """The ``<td>`` of every ambition of one row: class by outcome, the symbol for sighted
    readers, and the description as hidden text (not colour alone, WCAG 1.4.1)."""
    built: dict[tuple[int, int], SafeString] = context.render_context.setdefault(
        "normmonitor_heatmap_cells", {}
    )
    parts = []
    for cell in row.cells:
        key = (cell.requirement.pk, id(cell.outcome))
        html = built.get(key)
        if html is None:
            symbol, description = cell.symbol, cell.description
            spoken = (
                f"{symbol} {description}"
                if symbol and cell.outcome.applicable_children
                else description
            )
            html = built[key] = format_html(
                '<td class="cell cell--{}" title="{}: {}"><span aria-hidden="true">{}</span>'
                '<span class="visually-hidden">{}</span></td>',
                cell.css,
                cell.requirement.label,
                description,
                symbol,
                spoken,
            )
        parts.append(html)
    return mark_safe("".join(parts))  # noqa: S308 - every part was built by format_html


@register.simple_tag(takes_context=True)
def member_heatmap_cells(context: template.Context, row: OrganisationRow) -> SafeString:
    """The cells of the members' region overview (rounds/heatmap.html): the same meaning in
    that page's simpler markup."""
    built: dict[tuple[int, int], SafeString] = context.render_context.setdefault(
        "normmonitor_member_heatmap_cells", {}
    )
    parts = []
    for cell in row.cells:
        key = (cell.requirement.pk, id(cell.outcome))
        html = built.get(key)
        if html is None:
            html = built[key] = format_html(
                '<td class="heatmap__cell heatmap__cell--{}" title="{}">{}'
                '<span class="visually-hidden"> {}</span></td>',
                cell.css,
                cell.description,
                cell.symbol,
                cell.description,
            )
        parts.append(html)
    return mark_safe("".join(parts))  # noqa: S308 - every part was built by format_html
