"""The fill-in page's content, computed once per request so that its templates only print it.

Printing an AnswerForm per item through Django's widget templates took ~90 % of the page's time
(docs/performance.md, "1. Fill-in page"). AnswerForm still validates every save; the page prints
each item's inputs from an ``ItemForm``, which holds what the form's widgets would print: the
same names, ids, values, error messages and ARIA references (tests/assessments/
test_fill_rendering.py compares the two)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from normmonitor.core.templatetags.normmonitor import control_class
from normmonitor.evidence.models import Evidence
from normmonitor.norms.models import NormVersion, Requirement, ScaleLevel, Theme

from .forms import AnswerForm, answer_initial, answer_prefix, has_last_done_on
from .models import Answer, Assessment, ReviewComment

# -- The norm version: the same for every page of every organisation ------------------------------


@dataclass(frozen=True)
class NormLayout:
    """A norm version's requirements in order (with their theme), and its rating scale."""

    requirements: tuple[Requirement, ...]
    levels: tuple[ScaleLevel, ...]


_layouts: dict[tuple[int, str, datetime], NormLayout] = {}


def norm_layout(norm_version: NormVersion) -> NormLayout:
    """Read once per process: a loaded norm version never changes (docs/norm-format.md). The
    key also holds the load time, so that another version that gets the same id (a test
    database) is read afresh. The objects are shared between requests: only read them."""
    key = (norm_version.pk, norm_version.content_hash, norm_version.loaded_at)
    layout = _layouts.get(key)
    if layout is None:
        layout = _layouts[key] = NormLayout(
            requirements=tuple(norm_version.requirements.select_related("theme").order_by("order")),
            levels=tuple(norm_version.scale.order_by("order")),
        )
    return layout


# -- One item's form ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldSpec:
    """What one AnswerForm field's inputs share on every item: the label and help text in the
    request's language (escaped), and the widget's kind, attributes and classes."""

    kind: str  # "hidden", "radio", "textarea" or "input"
    label: str
    help_text: str
    input_type: str
    attrs: str  # the widget's own attributes, printed: maxlength, rows
    css: str  # the NL Design System classes of normmonitor's form_control filter
    invalid_css: str  # … with the invalid modifier it adds to a field with errors

    @classmethod
    def of(cls, field: forms.Field) -> FieldSpec:
        widget = field.widget
        if widget.is_hidden:
            kind = "hidden"
        elif isinstance(widget, forms.RadioSelect):
            kind = "radio"
        elif isinstance(widget, forms.Textarea):
            kind = "textarea"
        else:
            kind = "input"
        css = control_class(widget)
        block = css.split()[0] if css else ""
        return cls(
            kind=kind,
            label=conditional_escape(field.label),
            help_text=conditional_escape(field.help_text or ""),
            input_type=getattr(widget, "input_type", ""),
            attrs=flatatt(widget.attrs),
            css=css,
            invalid_css=f"{css} {block}--invalid" if block in _INVALID_BLOCKS else css,
        )


_INVALID_BLOCKS = {"utrecht-textbox", "utrecht-textarea", "utrecht-select"}


@dataclass(frozen=True)
class Choice:
    """One radio button of the rating; the label is escaped."""

    id: str
    value: str
    label: str
    checked: bool


@dataclass(frozen=True)
class Control:
    """One field of an item's form. ``field()`` prints it as the page printed AnswerForm's
    field: the input as its widget does (with the classes of normmonitor's ``form_control``),
    in the label, help text and errors of normmonitor/_field.html — or, for the rating, in a
    fieldset with a legend. Built with plain string formatting: through templates, this markup
    was most of the page's time."""

    spec: FieldSpec
    name: str
    id: str
    #: As the widget formats it (a date as YYYY-MM-DD, the user's own text after an error);
    #: None: the widget prints no value.
    value: Any
    errors: Sequence[str]
    choices: Sequence[Choice] = ()

    @property
    def described_by(self) -> str:
        """Django's own aria-describedby of an input: its help text, then its errors."""
        ids = []
        if self.spec.help_text:
            ids.append(f"{self.id}_helptext")
        if self.errors:
            ids.append(f"{self.id}_error")
        return " ".join(ids)

    def field(self) -> SafeString:
        if self.spec.kind == "hidden":
            html = self._input()
        elif self.spec.kind == "radio":
            html = self._radio_group()
        else:
            html = self._field_group()
        # Texts, values and messages are escaped where they are put in; names and ids are made
        # of the answer's id and the form's field names.
        return mark_safe(html)  # noqa: S308

    def _errors(self, id_suffix: str, paragraph: str) -> str:
        if not self.errors:
            return ""
        messages = "".join(f"{paragraph}{conditional_escape(e)}</p>" for e in self.errors)
        return f'<div class="field__errors" id="{self.id}{id_suffix}">{messages}</div>'

    def _radio_group(self) -> str:
        invalid = ' aria-invalid="true"' if self.errors else ""
        radios = "".join(
            f'<label class="radio"><input type="radio" name="{self.name}" '
            f'value="{escape(choice.value)}" id="{choice.id}"{invalid}'
            f"{' checked' if choice.checked else ''}> {choice.label}</label>"
            for choice in self.choices
        )
        described = f' aria-describedby="{self.id}_errors"' if self.errors else ""
        return (
            f'<fieldset class="field{" field--invalid" if self.errors else ""}"{described}>\n'
            f'  <legend class="field__label">{self.spec.label}</legend>\n'
            f"  {self._errors('_errors', '<p>')}\n"
            f'  <div class="radio-row">{radios}</div>\n'
            "</fieldset>"
        )

    def _field_group(self) -> str:
        spec = self.spec
        invalid = " utrecht-form-field--invalid field--invalid" if self.errors else ""
        help_text = ""
        if spec.help_text:
            help_text = (
                '<div class="utrecht-form-field-description field__help" '
                f'id="{self.id}_helptext">{spec.help_text}</div>'
            )
        errors = self._errors("_error", '<p class="utrecht-form-field-error-message">')
        return (
            f'<div class="utrecht-form-field utrecht-form-field--text field{invalid}">\n'
            f'  <label class="utrecht-form-label field__label" for="{self.id}">{spec.label}'
            "</label>\n"
            f"  {help_text}\n"
            f"  {errors}\n"
            f"  {self._input()}\n"
            "</div>"
        )

    def _input(self) -> str:
        spec = self.spec
        if spec.kind == "hidden":
            return f'<input type="hidden" name="{self.name}"{self._value()} id="{self.id}">'
        aria = ' aria-invalid="true"' if self.errors else ""
        if described_by := self.described_by:
            aria = f'{aria} aria-describedby="{described_by}"'
        css = spec.invalid_css if self.errors else spec.css
        if spec.kind == "textarea":
            text = escape(str(self.value)) if self.value else ""
            return (
                f'<textarea name="{self.name}"{spec.attrs} class="{css}"{aria} id="{self.id}">'
                f"\n{text}</textarea>"
            )
        return (
            f'<input type="{spec.input_type}" name="{self.name}"{self._value()}{spec.attrs} '
            f'class="{css}"{aria} id="{self.id}">'
        )

    def _value(self) -> str:
        return "" if self.value is None else f' value="{escape(str(self.value))}"'


@dataclass(frozen=True)
class ItemForm:
    """An answer's form on the page: unchanged from the answer, or with the user's own input
    and errors after a save that failed."""

    answer: Answer
    action: str
    errors: Sequence[str]  # the form's own errors: a conflict, a refusal
    version: Control
    level: Control
    explanation: Control
    planned_date: Control
    owner: Control
    last_done_on: Control | None  # only for a periodic duty


def item_url(name: str, assessment: Assessment) -> Callable[[int], str]:
    """``reverse(name, args=[round, organisation, answer id])`` for every item of a page, at
    the cost of one ``reverse``: the answer id is a path segment of its own, so it replaces a
    placeholder id in one reversed URL."""
    placeholder = 2_147_483_647
    url = reverse(name, args=[assessment.round.key, assessment.organisation.code, placeholder])
    head, found, tail = url.rpartition(f"/{placeholder}/")
    if not found:
        raise ValueError(f"{name}: the answer id is not a path segment of {url}")
    return lambda pk: f"{head}/{pk}/{tail}"


class ItemForms:
    """Makes the ItemForm of any answer of one assessment. What is the same for every item (the
    labels in the request's language, the scale, the URL) is computed once."""

    def __init__(self, assessment: Assessment, levels: Sequence[ScaleLevel]) -> None:
        self._fields = AnswerForm.base_fields
        self._specs = {name: FieldSpec.of(field) for name, field in self._fields.items()}
        self._levels = [(str(level.pk), escape(level.label)) for level in levels]
        self._action = item_url("assessments:answer", assessment)

    def __call__(self, answer: Answer, form: AnswerForm | None = None) -> ItemForm:
        """``form``: a bound AnswerForm of the answer, whose input and errors are shown."""
        if form is None:
            values = answer_initial(answer)
            errors: Mapping[str, Sequence[str]] = {}
            own_errors: Sequence[str] = ()
            periodic = has_last_done_on(answer)
        else:
            values = {name: form[name].value() for name in form.fields}
            errors, own_errors = form.errors, form.non_field_errors()
            periodic = "last_done_on" in form.fields
        prefix = answer_prefix(answer)

        def control(name: str) -> Control:
            field = self._fields[name]
            html_name = f"{prefix}-{name}"  # Django's add_prefix and auto_id "id_%s"
            value = field.widget.format_value(field.prepare_value(values.get(name)))
            choices: Sequence[Choice] = ()
            if name == "level":
                choices = [
                    Choice(f"id_{html_name}_{index}", pk, label, pk in value)
                    for index, (pk, label) in enumerate(self._levels)
                ]
            return Control(
                spec=self._specs[name],
                name=html_name,
                id=f"id_{html_name}",
                value=value,
                errors=errors.get(name, ()),
                choices=choices,
            )

        return ItemForm(
            answer=answer,
            action=self._action(answer.pk),
            errors=own_errors,
            version=control("version"),
            level=control("level"),
            explanation=control("explanation"),
            planned_date=control("planned_date"),
            owner=control("owner"),
            last_done_on=control("last_done_on") if periodic else None,
        )


# -- The page -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """A requirement that applies to the organisation; with a form when it is rated directly
    (a derived item has none: its sub-items rate it)."""

    requirement: Requirement
    form: ItemForm | None = None
    conflict: Answer | None = None  # the other's version, after a refused save
    documents: Sequence[Evidence] = ()
    comments: Sequence[ReviewComment] = ()
    upload_url: str = ""
    deviation_url: str = ""
    comments_url: str = ""


@dataclass(frozen=True)
class ThemeRows:
    theme: Theme
    rows: list[Row]


def fill_rows(
    assessment: Assessment,
    *,
    evidence: Mapping[int, Sequence[Evidence]],
    threads: Mapping[int, Sequence[ReviewComment]],
    override: AnswerForm | None = None,
    conflict: Answer | None = None,
) -> list[ThemeRows]:
    """The page's items per theme, in the norm's order. ``override`` is a failed save's form:
    that item shows the user's own input and errors, and ``conflict`` the version saved by
    someone else in between. One query (the answers) besides the cached norm layout."""
    layout = norm_layout(assessment.round.norm_version)
    requirements = {requirement.pk: requirement for requirement in layout.requirements}
    answers = {}
    for answer in assessment.answers.all():  # the related manager sets answer.assessment
        if answer.requirement_id in requirements:
            answer.requirement = requirements[answer.requirement_id]
            answers[answer.requirement_id] = answer
    forms = ItemForms(assessment, layout.levels)
    upload_url = item_url("evidence:upload", assessment)
    deviation_url = item_url("assessments:deviation", assessment)
    comments_url = item_url("assessments:comments", assessment)

    themes: list[ThemeRows] = []
    organisation_type = assessment.organisation.type
    for requirement in layout.requirements:
        if organisation_type not in requirement.applies_to:
            continue
        if not themes or themes[-1].theme.pk != requirement.theme_id:
            themes.append(ThemeRows(theme=requirement.theme, rows=[]))
        answer = answers.get(requirement.pk)
        if answer is None:
            themes[-1].rows.append(Row(requirement=requirement))
            continue
        overridden = override is not None and override.answer.pk == answer.pk
        themes[-1].rows.append(
            Row(
                requirement=requirement,
                form=forms(override.answer, override) if overridden else forms(answer),
                conflict=conflict if overridden else None,
                documents=evidence.get(answer.pk, ()),
                comments=threads.get(answer.pk, ()),
                upload_url=upload_url(answer.pk),
                deviation_url=deviation_url(answer.pk),
                comments_url=comments_url(answer.pk),
            )
        )
    return themes
