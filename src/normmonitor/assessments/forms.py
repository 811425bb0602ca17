from django import forms
from django.utils.translation import gettext_lazy as _

from normmonitor.norms.models import ScaleLevel

from .models import Answer


class AnswerForm(forms.Form):
    """One requirement's answer. The rating's choices are this norm version's scale only, so a
    tampered level id from another norm is an invalid choice, not a silent cross-link."""

    level = forms.ModelChoiceField(
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

    def __init__(self, *args, answer: Answer, **kwargs) -> None:
        self.answer = answer
        kwargs.setdefault("prefix", f"a{answer.pk}")
        kwargs.setdefault(
            "initial",
            {
                "level": answer.level_id,
                "explanation": answer.explanation,
                "planned_date": answer.planned_date,
                "owner": answer.owner,
                "last_done_on": answer.last_done_on,
                "version": answer.version,
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["level"].queryset = ScaleLevel.objects.filter(
            norm_version_id=answer.requirement.norm_version_id
        ).order_by("order")
        self.fields["level"].label_from_instance = lambda level: level.label
        if not answer.requirement.recurrence:
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
