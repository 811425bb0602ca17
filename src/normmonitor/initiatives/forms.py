from django import forms
from django.utils.translation import gettext_lazy as _

from normmonitor.norms.models import Norm
from normmonitor.organisations.models import Organisation, Region

from .models import InitiativeStatus


class InitiativeForm(forms.Form):
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.none())
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    organisations = forms.ModelMultipleChoiceField(
        label=_("Organisations"),
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    lead = forms.ModelChoiceField(
        label=_("Lead organisation"), queryset=Organisation.objects.none(), required=False
    )
    partners = forms.CharField(
        label=_("Other partners"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    status = forms.ChoiceField(label=_("Status"), choices=InitiativeStatus.choices)
    start_date = forms.DateField(
        label=_("Start"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end_date = forms.DateField(
        label=_("End"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    budget = forms.DecimalField(
        label=_("Budget (EUR)"), required=False, min_value=0, decimal_places=2, max_digits=12
    )
    funding_source = forms.CharField(label=_("Funding source"), required=False, max_length=300)
    norm = forms.ModelChoiceField(label=_("Norm"), queryset=Norm.objects.all(), required=False)
    ambition_codes = forms.CharField(
        label=_("Linked ambitions"),
        required=False,
        help_text=_("Item codes separated by commas, such as 1.3, 3.5."),
    )
    source = forms.CharField(
        label=_("Source"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, regions, organisations, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.fields["organisations"].queryset = organisations
        self.fields["lead"].queryset = organisations
        if editing:
            del self.fields["region"]

    def clean_ambition_codes(self) -> list[str]:
        text = self.cleaned_data.get("ambition_codes") or ""
        return [code.strip() for code in text.replace(";", ",").split(",") if code.strip()]


class FundingForm(forms.Form):
    source = forms.CharField(label=_("Source"), max_length=200, required=False)
    amount = forms.DecimalField(
        label=_("Amount (EUR)"), required=False, min_value=0, decimal_places=2, max_digits=12
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1990, max_value=2100)
    matches = forms.IntegerField(
        label=_("Matches line"),
        required=False,
        min_value=1,
        help_text=_("The number of the line this contribution matches."),
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("source") and cleaned.get("amount") is None:
            self.add_error("amount", _("Give the amount."))
        if cleaned.get("amount") is not None and not cleaned.get("source"):
            self.add_error("source", _("Give the source."))
        return cleaned


FundingFormSet = forms.formset_factory(FundingForm, extra=2, max_num=40)
