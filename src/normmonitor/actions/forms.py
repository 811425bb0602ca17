from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from normmonitor.norms.models import Requirement
from normmonitor.rounds.models import MonitoringRound

from .models import ActionStatus


class ActionForm(forms.Form):
    round = forms.ModelChoiceField(
        label=_("Round"),
        queryset=MonitoringRound.objects.none(),
        required=False,
        to_field_name="key",
        help_text=_("The round in which the bottleneck came up, if any."),
    )
    requirement = forms.ModelChoiceField(
        label=_("Item"), queryset=Requirement.objects.none(), required=False
    )
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    owner = forms.CharField(label=_("Owner"), required=False, max_length=200)
    owner_user = forms.ModelChoiceField(
        label=_("Owner (user, receives the reminders)"),
        queryset=get_user_model().objects.none(),
        required=False,
    )
    due_date = forms.DateField(
        label=_("Due date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)

    def __init__(self, *args, rounds, requirements, users, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = rounds
        self.fields["requirement"].queryset = requirements
        self.fields["requirement"].label_from_instance = lambda r: (
            f"{r.label} {r.text[:70]}{'…' if len(r.text) > 70 else ''}"
        )
        self.fields["owner_user"].queryset = users
        self.fields["owner_user"].label_from_instance = lambda u: (
            u.get_full_name() or u.get_username()
        )
        if editing:  # the item and round of an action do not change; its status does
            del self.fields["round"]
            del self.fields["requirement"]
        else:
            del self.fields["status"]

    def clean(self):
        cleaned = super().clean()
        monitoring_round, requirement = cleaned.get("round"), cleaned.get("requirement")
        if (
            monitoring_round
            and requirement
            and (requirement.norm_version_id != monitoring_round.norm_version_id)
        ):
            self.add_error("requirement", _("Choose an item of the round's norm version."))
        return cleaned


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
