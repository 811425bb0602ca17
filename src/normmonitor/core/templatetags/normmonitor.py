"""Template helpers shared by every app: numbers, NL Design System form controls, breadcrumbs,
state badges and decorative bars. See docs/ui.md."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from django import forms, template
from django.forms.boundfield import BoundField
from django.utils.formats import number_format
from django.utils.html import format_html

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


# -- Form controls ------------------------------------------------------------------------------

_TEXTBOX = "utrecht-textbox utrecht-textbox--html-input"
_CONTROL_CLASSES: tuple[tuple[type[forms.Widget], str], ...] = (
    # Order matters: the subclasses before their bases.
    (forms.CheckboxSelectMultiple, "utrecht-checkbox utrecht-checkbox--html-input"),
    (forms.RadioSelect, "utrecht-radio-button utrecht-radio-button--html-input"),
    (forms.Select, "utrecht-select utrecht-select--html-select"),
    (forms.Textarea, "utrecht-textarea utrecht-textarea--html-textarea"),
    (forms.CheckboxInput, "utrecht-checkbox utrecht-checkbox--html-input"),
    (forms.FileInput, ""),
    (forms.widgets.Input, _TEXTBOX),
)


def control_class(widget: forms.Widget) -> str:
    """The NL Design System class of a widget's element (empty for a file input)."""
    for widget_type, css in _CONTROL_CLASSES:
        if isinstance(widget, widget_type):
            return css
    return ""


@register.filter
def form_control(field: BoundField) -> str:
    """Render a bound field's widget with the NL Design System classes added to its own.

    Django (5.2) already sets ``aria-invalid`` on a field with errors and ``aria-describedby``
    to ``<id>_helptext`` and ``<id>_error``; normmonitor/_field.html gives the help text and
    the error message exactly those ids, so that both are read out with the field."""
    widget = field.field.widget
    css = " ".join(part for part in (widget.attrs.get("class", ""), control_class(widget)) if part)
    attrs: dict[str, Any] = {"class": css} if css else {}
    if field.errors and isinstance(widget, forms.Textarea | forms.widgets.Input | forms.Select):
        attrs["class"] = f"{css} {_invalid_modifier(css)}".strip()
    return field.as_widget(attrs=attrs)


def _invalid_modifier(css: str) -> str:
    for block in ("utrecht-textbox", "utrecht-textarea", "utrecht-select"):
        if block in css.split():
            return f"{block}--invalid"
    return ""


@register.filter
def is_choice_group(field: BoundField) -> bool:
    """True for radio buttons and checkbox lists, which need a fieldset and a legend."""
    return bool(field.field.widget.use_fieldset)


@register.filter
def has_field_errors(form: Any) -> bool:
    """True when a field of the form has an error (the form's own, non-field errors are left to
    the template, which shows them beside the form)."""
    errors = getattr(form, "errors", None)
    return bool(errors) and any(name != forms.forms.NON_FIELD_ERRORS for name in errors)


@register.filter
def is_checkbox(field: BoundField) -> bool:
    """True for a single checkbox, whose label follows the box."""
    return isinstance(field.field.widget, forms.CheckboxInput)


@register.filter
def anchor_id(field: BoundField) -> str:
    """The id of the element an error summary links to: the input, or the first option of a
    group of radio buttons or checkboxes (whose label points at no single input)."""
    if field.field.widget.use_fieldset:
        return f"{field.auto_id}_0"
    return field.id_for_label


# -- Breadcrumbs ----------------------------------------------------------------------------


@register.inclusion_tag("normmonitor/_breadcrumbs.html", takes_context=True)
def breadcrumbs(context: template.Context, *trail: Any) -> dict[str, Any]:
    """``{% breadcrumbs label url label url … current_label %}``: the path to this page.

    Pairs of a label and a URL, then the label of the current page (not a link). The start page
    comes first by itself."""
    *pairs, current = trail if trail else ("",)
    links = zip(pairs[::2], pairs[1::2], strict=True)
    items = [{"label": label, "url": url} for label, url in links]
    return {"items": items, "current": current, "request": context.get("request")}


# -- Badges and bars ------------------------------------------------------------------------


@register.simple_tag
def state_badge(monitoring_round: Any) -> str:
    """A round's state as an NL Design System status badge: the word, supported by colour."""
    return format_html(
        '<span class="utrecht-status-badge state--{}">{}</span>',
        monitoring_round.state,
        monitoring_round.get_state_display(),
    )


@register.simple_tag
def bar(value: Any, total: Any, target: Any = None) -> str:
    """A decorative horizontal bar for ``value`` of ``total`` (hidden from assistive technology:
    the number next to it is the text). ``target`` draws a marker, for a goal. Uses SVG
    attributes rather than inline style, which the content security policy forbids."""
    try:
        share = 0.0 if not total else max(0.0, min(1.0, float(value or 0) / float(total)))
    except (TypeError, ValueError, ZeroDivisionError):
        share = 0.0
    marker = ""
    if target is not None:
        position = max(0.0, min(1.0, float(target))) * 100
        marker = format_html(
            '<line class="bar__target" x1="{0}" x2="{0}" y1="0" y2="10"/>', f"{position:.1f}"
        )
    return format_html(
        '<svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true" '
        'focusable="false"><rect class="bar__track" width="100" height="10"/>'
        '<rect class="bar__value" width="{}" height="10"/>{}</svg>',
        f"{share * 100:.1f}",
        marker,
    )
