from collections.abc import Sequence
from typing import Any

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from normmonitor.norms.models import ScaleLevel

from .models import Answer


class _LevelChoiceIterator(ModelChoiceIterator):
    """Choices from the levels loaded once for the whole page, instead of one query per form."""

    def __iter__(self):
        for level in self.field.levels:
            yield self.choice(level)

    def __len__(self) -> int:
        return len(self.field.levels)


class LevelChoiceField(forms.ModelChoiceField):
    iterator = _LevelChoiceIterator
    levels: Sequence[ScaleLevel] = ()

    def label_from_instance(self, obj: ScaleLevel) -> str:
        return obj.label


def answer_prefix(answer: Answer) -> str:
    """The prefix of an answer's fields: one page holds a form per answer."""
    return f"a{answer.pk}"


def answer_initial(answer: Answer) -> dict[str, Any]:
    """What an answer's form shows before the user changes it."""
    return {
        "level": answer.level_id,
        "explanation": answer.explanation,
        "planned_date": answer.planned_date,
        "owner": answer.owner,
        "last_done_on": answer.last_done_on,
        "version": answer.version,
    }


def has_last_done_on(answer: Answer) -> bool:
    """Only a periodic duty asks when it was last done."""
    return bool(answer.requirement.recurrence)


class AnswerForm(forms.Form):
    """One requirement's answer. The rating's choices are this norm version's scale only, so a
    tampered level id from another norm is an invalid choice, not a silent cross-link.

    The fill-in page prints these fields through assessments/fill.py, not the widgets: a new or
    changed field needs a change there too (tests/assessments/test_fill_rendering.py)."""

    level = LevelChoiceField(
        label=_("Rating"),
        queryset=ScaleLevel.objects.none(),
        required=False,
        widget=forms.RadioSelect,
        empty_label=None,
    )
    explanation = forms.CharField(
        label=_("Explanation"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    planned_date = forms.DateField(
        label=_("Planned date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("When the ambition will be achieved, if it is not yet."),
    )
    owner = forms.CharField(label=_("Owner"), required=False, max_length=200)
    last_done_on = forms.DateField(
        label=_("Last done on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("This is a periodic duty: when was it last done?"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(
        self, *args, answer: Answer, levels: Sequence[ScaleLevel] | None = None, **kwargs
    ) -> None:
        """``levels``: the norm version's scale, when the caller has it already."""
        self.answer = answer
        kwargs.setdefault("prefix", answer_prefix(answer))
        kwargs.setdefault("initial", answer_initial(answer))
        super().__init__(*args, **kwargs)
        scale = ScaleLevel.objects.filter(
            norm_version_id=answer.requirement.norm_version_id
        ).order_by("order")
        field = self.fields["level"]
        field.levels = list(scale) if levels is None else levels
        field.queryset = scale  # validation still checks against this norm version's scale
        if not has_last_done_on(answer):
            del self.fields["last_done_on"]

    def clean(self):
        cleaned = super().clean()
        level = cleaned.get("level")
        needs_explanation = level is not None and not level.achieved and not level.not_applicable
        if needs_explanation and not (cleaned.get("explanation") or "").strip():
            self.add_error(
                "explanation",
                _("Explain why this ambition is not (fully) achieved and what is planned."),
            )
        return cleaned
