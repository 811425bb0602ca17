from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from normmonitor.assessments.models import Answer
from normmonitor.norms.models import ScaleLevel

from .models import DocumentKind
from .scanner import Finding


class UploadForm(forms.Form):
    document = forms.FileField(
        label=_("Document"),
        help_text=_(
            "The APV or policy as PDF, DOCX, HTML, plain text or the XML of "
            "lokaleregelgeving.overheid.nl. The type is checked from the content."
        ),
    )
    kind = forms.ChoiceField(
        label=_("Kind of document"),
        choices=[("", _("Recognise from the title")), *DocumentKind.choices],
        required=False,
    )


@dataclass(frozen=True)
class AdoptionRow:
    """A finding that has an answer in the assessment, with the rating it proposes."""

    index: int
    finding: Finding
    answer: Answer
    proposed: ScaleLevel | None


class AdoptionForm(forms.Form):
    """One checkbox and one rating per finding; the rows are built by the view from the scan
    and the assessment, never from the request, so a tampered field can only pick among them."""

    def __init__(self, *args: Any, rows: list[AdoptionRow], scale: list[ScaleLevel], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        self.levels = {level.code: level for level in scale}
        choices = [("", _("Keep the current rating"))] + [
            (level.code, level.label) for level in scale
        ]
        for row in rows:
            self.fields[f"adopt_{row.index}"] = forms.BooleanField(
                required=False,
                initial=row.proposed is not None and row.finding.verdict != "absent",
                widget=forms.CheckboxInput(
                    attrs={"class": "utrecht-checkbox utrecht-checkbox--html-input"}
                ),
            )
            self.fields[f"level_{row.index}"] = forms.ChoiceField(
                choices=choices,
                required=False,
                initial=row.proposed.code if row.proposed else "",
                label=_("Rating for %(item)s") % {"item": row.finding.label},
                widget=forms.Select(attrs={"class": "utrecht-select utrecht-select--html-select"}),
            )
            self.fields[f"version_{row.index}"] = forms.IntegerField(
                widget=forms.HiddenInput, initial=row.answer.version, min_value=0
            )

    def bound_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "row": row,
                "adopt": self[f"adopt_{row.index}"],
                "level": self[f"level_{row.index}"],
                "version": self[f"version_{row.index}"],
            }
            for row in self.rows
        ]

    def chosen(self) -> list[tuple[AdoptionRow, ScaleLevel | None, int]]:
        """The rows ticked, with the rating chosen (None: keep) and the confirmed version."""
        chosen = []
        for row in self.rows:
            if self.cleaned_data.get(f"adopt_{row.index}"):
                code = self.cleaned_data.get(f"level_{row.index}") or ""
                chosen.append(
                    (row, self.levels.get(code), self.cleaned_data[f"version_{row.index}"])
                )
        return chosen

    def clean(self):
        cleaned = super().clean()
        if self.is_bound and not any(cleaned.get(f"adopt_{row.index}") for row in self.rows):
            raise forms.ValidationError(_("Tick at least one finding to adopt."))
        return cleaned


class SharingForm(forms.Form):
    editors_see_region = forms.BooleanField(
        label=_("Editors may compare their documents with those of the whole region"),
        required=False,
    )
