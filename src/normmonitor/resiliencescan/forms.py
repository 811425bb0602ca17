from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Questionnaire
from .questionnaire import Question
from .questionnaire import Questionnaire as QuestionnaireDocument


class ScanForm(forms.Form):
    questionnaire = forms.ModelChoiceField(
        label=_("Questionnaire"), queryset=Questionnaire.objects.all(), empty_label=None
    )
    conducted_on = forms.DateField(
        label=_("Date of the scan"), widget=forms.DateInput(attrs={"type": "date"})
    )
    conducted_by = forms.CharField(label=_("Conducted by"), required=False, max_length=200)
    baseline = forms.BooleanField(
        label=_("This is the baseline (nulmeting) before the first round"), required=False
    )


class AnswersForm(forms.Form):
    """Every question of a scan that applies to the organisation: an answer and a note."""

    def __init__(self, *args, document: QuestionnaireDocument, questions: list[Question], **kw):
        super().__init__(*args, **kw)
        self.questions = questions
        choices = [(level.code, level.label) for level in document.answers]
        for question in questions:
            self.fields[f"q_{question.code}"] = forms.ChoiceField(
                label=f"{question.code}. {question.text}",
                choices=choices,
                required=False,
                widget=forms.RadioSelect,
                help_text=question.guidance,
            )
            self.fields[f"n_{question.code}"] = forms.CharField(
                label=_("Note on %(code)s") % {"code": question.code},
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def answers(self) -> dict[str, tuple[str | None, str]]:
        return {
            q.code: (self.cleaned_data[f"q_{q.code}"] or None, self.cleaned_data[f"n_{q.code}"])
            for q in self.questions
        }

    def pairs(self):
        return [(q, self[f"q_{q.code}"], self[f"n_{q.code}"]) for q in self.questions]
