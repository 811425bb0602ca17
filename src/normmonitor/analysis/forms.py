from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from normmonitor.norms.models import Theme
from normmonitor.organisations.models import Organisation
from normmonitor.rounds.models import MonitoringRound


class CompareForm(forms.Form):
    earlier = forms.ModelChoiceField(
        label=_("From round"), queryset=MonitoringRound.objects.none(), to_field_name="key"
    )
    later = forms.ModelChoiceField(
        label=_("To round"), queryset=MonitoringRound.objects.none(), to_field_name="key"
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        to_field_name="code",
        empty_label=_("All organisations I may see"),
    )
    show_unchanged = forms.BooleanField(label=_("Also list unchanged items"), required=False)

    def __init__(self, *args, rounds, organisations, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["earlier"].queryset = rounds
        self.fields["later"].queryset = rounds
        self.fields["organisation"].queryset = organisations

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("earlier") and cleaned.get("earlier") == cleaned.get("later"):
            self.add_error("later", _("Choose two different rounds."))
        return cleaned


class WaterbedSettingsForm(forms.Form):
    majority = forms.DecimalField(
        label=_("Majority share"),
        min_value=Decimal(0),
        max_value=Decimal("0.999"),
        decimal_places=3,
        help_text=_(
            "A missing barrier is a weak spot when more than this share of the rest of the "
            "region has it (0.5: most of the region)."
        ),
    )

    def __init__(self, *args, themes: list[Theme], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.themes = themes
        for theme in themes:
            self.fields[f"theme_{theme.code}"] = forms.DecimalField(
                label=_("Weight of theme %(code)s. %(title)s")
                % {"code": theme.code, "title": theme.title},
                min_value=Decimal(0),
                max_value=Decimal(100),
                decimal_places=2,
            )

    def weights(self) -> dict[str, Decimal]:
        return {theme.code: self.cleaned_data[f"theme_{theme.code}"] for theme in self.themes}
