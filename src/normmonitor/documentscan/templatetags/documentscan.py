from django import template

from ..services import verdict_label as _verdict_label

register = template.Library()


@register.filter
def verdict_label(verdict: str) -> str:
    return _verdict_label(verdict)


@register.filter
def confidence(value: float | None) -> str:
    """0.85 -> "85%"."""
    return "" if value is None else f"{round(100 * float(value))}%"
