from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from normmonitor.norms.models import NormVersion
from normmonitor.organisations.models import Region

from .models import MonitoringRound


class RoundForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.none())
    norm_version = forms.ModelChoiceField(
        label=_("Norm version"), queryset=NormVersion.objects.select_related("norm")
    )
    reference_date = forms.DateField(
        label=_("Reference date (peildatum)"), widget=forms.DateInput(attrs={"type": "date"})
    )
    deadline = forms.DateField(label=_("Deadline"), widget=forms.DateInput(attrs={"type": "date"}))
    previous = forms.ModelChoiceField(
        label=_("Carry over answers from"),
        queryset=MonitoringRound.objects.none(),
        required=False,
        help_text=_("Answers are copied and marked as to be confirmed."),
    )

    def __init__(self, *args, regions, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.fields["previous"].queryset = MonitoringRound.objects.filter(region__in=regions)

    def clean(self):
        cleaned = super().clean()
        previous, region = cleaned.get("previous"), cleaned.get("region")
        if previous and region and previous.region_id != region.pk:
            self.add_error("previous", _("Choose a round of the same region."))
        if cleaned.get("name"):
            cleaned["key"] = slugify(cleaned["name"])[:80]
            if not cleaned["key"]:
                self.add_error("name", _("Use letters or digits in the name."))
            elif MonitoringRound.objects.filter(key=cleaned["key"]).exists():
                self.add_error("name", _("A round with this name exists already."))
        return cleaned
