from django import forms
from django.utils.translation import gettext_lazy as _

from .selectors import EventFilter


class EventFilterForm(forms.Form):
    name = forms.CharField(
        label=_("Event"), required=False, max_length=80, help_text=_("For example auth. or round.")
    )
    actor = forms.CharField(label=_("User"), required=False, max_length=150)
    organisation = forms.CharField(label=_("Organisation code"), required=False, max_length=40)
    round = forms.SlugField(label=_("Round key"), required=False, max_length=80)
    address = forms.GenericIPAddressField(label=_("Address"), required=False)
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def event_filter(self) -> EventFilter:
        if not self.is_valid():
            return EventFilter()
        data = self.cleaned_data
        return EventFilter(
            name=data["name"].strip(),
            actor=data["actor"].strip(),
            organisation=data["organisation"].strip(),
            round=data["round"],
            address=data["address"] or "",
            since=data["since"],
            until=data["until"],
        )
