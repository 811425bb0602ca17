from django import forms
from django.utils.translation import gettext_lazy as _

from .filetypes import EXTENSIONS


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label=_("Document"),
        help_text=_("PDF, Word, Excel, OpenDocument, PNG, JPEG, text or e-mail (.eml)."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ",".join(f".{extension}" for extension in sorted(EXTENSIONS))}
        ),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What the document shows, or where in it to look."),
    )
    expires_on = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Optional: when the document stops being valid evidence."),
    )
