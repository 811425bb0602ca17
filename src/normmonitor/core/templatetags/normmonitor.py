from fractions import Fraction

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def percent(value: Fraction | float | None, places: int = 0) -> str:
    """A fraction as a Dutch-formatted percentage; an em dash when there is nothing to count."""
    if value is None:
        return "—"
    return f"{number_format(round(float(value) * 100, places), places)}%"


@register.filter
def get_item(mapping: dict, key: object) -> object:
    return mapping.get(key) if mapping else None
