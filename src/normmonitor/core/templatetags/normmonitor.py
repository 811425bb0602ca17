from fractions import Fraction

from django import template
from django.utils.formats import number_format

from normmonitor.scoring import percent_value

register = template.Library()


@register.filter
def percent(value: Fraction | None, places: int = 0) -> str:
    """A fraction as a percentage, rounded half up as in docs/scoring.md, in the page's locale."""
    if value is None:
        return "—"
    return f"{number_format(percent_value(Fraction(value), places), places)}%"


@register.filter
def get_item(mapping: dict, key: object) -> object:
    return mapping.get(key) if mapping else None
