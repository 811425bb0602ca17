from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from normmonitor.access.models import Role
from normmonitor.organisations.models import Organisation, OrganisationType, Region


class NormUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Norm file"),
        help_text=_("A YAML file in the norm file format (docs/norm-format.md), at most 2 MB."),
    )


class OrganisationForm(forms.Form):
    code = forms.SlugField(
        label=_("Code"),
        max_length=40,
        help_text=_("Stable key; the CBS code where there is one (GM0034, PV24)."),
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    type = forms.ChoiceField(label=_("Type"), choices=OrganisationType.choices)
    cbs_code = forms.CharField(label=_("CBS code"), max_length=10, required=False)
    contact_name = forms.CharField(label=_("Contact person"), max_length=200, required=False)
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)

    def __init__(self, *args, editing: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            # The code is the organisation's stable key (URLs, exports, fixtures).
            del self.fields["code"]


class RegionMembersForm(forms.Form):
    members = forms.ModelMultipleChoiceField(
        label=_("Member organisations"),
        queryset=Organisation.objects.order_by("type", "name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class UserCreateForm(forms.Form):
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        help_text=_("Letters, digits and @ . + - _ only; used to log in."),
    )
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    password = forms.CharField(
        label=_("Initial password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "At least 12 characters. Give it to the user in person or by phone; "
            "they can change it under their account."
        ),
    )

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        validator = get_user_model().username_validator
        validator(username)
        return username


class MembershipForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=[("", "---------"), *Role.choices])
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.order_by("type", "name"),
        required=False,
        help_text=_("For an organisation editor or reader."),
    )
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.order_by("name"),
        required=False,
        help_text=_("For a region coordinator."),
    )

    def clean(self):
        cleaned = super().clean()
        role, organisation, region = (
            cleaned.get("role"),
            cleaned.get("organisation"),
            cleaned.get("region"),
        )
        if role in (Role.EDITOR, Role.READER) and organisation is None:
            self.add_error("organisation", _("Choose the organisation for this role."))
        if role in (Role.EDITOR, Role.READER) and region is not None:
            self.add_error("region", _("Leave the region empty for this role."))
        if role == Role.COORDINATOR and region is None:
            self.add_error("region", _("Choose the region for this role."))
        if role in (Role.COORDINATOR, Role.ADMINISTRATOR) and organisation is not None:
            self.add_error("organisation", _("Leave the organisation empty for this role."))
        if role == Role.ADMINISTRATOR and region is not None:
            self.add_error("region", _("Leave the region empty for this role."))
        return cleaned
