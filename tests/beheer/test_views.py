"""Management pages: administrators only, forms that keep input and link their errors."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from normmonitor.access.models import Membership, Role
from normmonitor.audit.models import AuditEvent
from normmonitor.norms.models import NormVersion
from normmonitor.norms.normfile import FLEVOLANDSE_NORM_PATH
from normmonitor.organisations.models import Organisation
from tests.conftest import ALMERE

pytestmark = pytest.mark.django_db

PAGES = [
    ("beheer:home", []),
    ("beheer:norms", []),
    ("beheer:organisations", []),
    ("beheer:organisation_new", []),
    ("beheer:organisation", [ALMERE]),
    ("beheer:regions", []),
    ("beheer:region", ["flevoland"]),
    ("beheer:users", []),
    ("beheer:user_new", []),
]


def norm_upload(content: bytes, name: str = "norm.yaml") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/yaml")


@pytest.mark.parametrize(("name", "args"), PAGES)
def test_administrator_opens_every_management_page(client, users, name, args):
    client.force_login(users["admin"])
    assert client.get(reverse(name, args=args)).status_code == 200


@pytest.mark.parametrize("who", ["coordinator", "almere", "almere_reader", "nobody"])
@pytest.mark.parametrize(("name", "args"), PAGES)
def test_nobody_else_opens_a_management_page(client, users, who, name, args):
    client.force_login(users[who])
    assert client.get(reverse(name, args=args)).status_code == 403


def test_management_is_in_the_menu_of_administrators_only(client, users):
    client.force_login(users["admin"])
    assert reverse("beheer:home") in client.get("/").content.decode()
    client.force_login(users["coordinator"])
    assert reverse("beheer:home") not in client.get("/").content.decode()


def test_check_reports_problems_with_their_line_and_loads_nothing(client, users):
    client.force_login(users["admin"])
    broken = FLEVOLANDSE_NORM_PATH.read_bytes().replace(b"themes:", b"themas:", 1)
    response = client.post(reverse("beheer:norms"), {"file": norm_upload(broken), "action": "load"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'class="problem-list"' in body
    assert "data-error-summary" in body and 'href="#id_file"' in body
    assert 'aria-invalid="true"' in body
    assert not NormVersion.objects.exists()


def test_check_only_validates_and_load_stores_and_shows_the_tree(client, users):
    client.force_login(users["admin"])
    content = FLEVOLANDSE_NORM_PATH.read_bytes()
    checked = client.post(
        reverse("beheer:norms"), {"file": norm_upload(content), "action": "check"}
    )
    assert checked.status_code == 200 and checked.context["checked"] is not None
    assert not NormVersion.objects.exists()
    loaded = client.post(
        reverse("beheer:norms"), {"file": norm_upload(content), "action": "load"}, follow=True
    )
    version = NormVersion.objects.get()
    assert loaded.redirect_chain[-1][0] == reverse("beheer:norm", args=[version.pk])
    body = loaded.content.decode()
    assert 'lang="nl"' in body  # the norm text stays Dutch when the interface is English
    assert "3.2.2" in body
    assert AuditEvent.objects.filter(name="norm.loaded", actor=users["admin"]).count() == 1


def test_organisation_edit_keeps_the_code_and_records_the_change(client, users):
    client.force_login(users["admin"])
    url = reverse("beheer:organisation", args=[ALMERE])
    response = client.post(
        url, {"name": "Gemeente Almere", "type": "gemeente", "cbs_code": "GM0034", "code": "X"}
    )
    assert response.status_code == 302
    almere = Organisation.objects.get(code=ALMERE)
    assert almere.name == "Gemeente Almere"
    assert AuditEvent.objects.get(name="organisation.updated").data["changes"]["name"] == [
        "Almere",
        "Gemeente Almere",
    ]


def test_organisation_form_errors_are_summarised_and_linked(client, users):
    client.force_login(users["admin"])
    response = client.post(reverse("beheer:organisation_new"), {"code": "", "name": ""})
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count("data-error-summary") == 1
    assert 'href="#id_code"' in body and 'href="#id_name"' in body
    # Each field points at its own error message, which has that id.
    assert 'aria-describedby="id_code_helptext id_code_error"' in body
    assert 'id="id_code_error"' in body
    assert response.context["form"].errors
    with translation.override("nl"):
        assert f"<title>{translation.gettext('Error')}: " in body


def test_user_is_created_then_given_a_role(client, users, region):
    client.force_login(users["admin"])
    response = client.post(
        reverse("beheer:user_new"),
        {"username": "lelystad2", "password": "een-lang-en-ongewoon-wachtwoord", "email": ""},
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(username="lelystad2")
    response = client.post(
        reverse("beheer:user", args=[user.pk]),
        {"role": Role.READER, "organisation": Organisation.objects.get(code=ALMERE).pk},
    )
    assert response.status_code == 302
    created = Membership.objects.get(user=user)
    assert created.role == Role.READER
    response = client.post(
        reverse("beheer:membership_delete", args=[user.pk, created.pk]), follow=True
    )
    assert not Membership.objects.filter(user=user).exists()
    assert [e.name for e in AuditEvent.objects.exclude(name="auth.login").order_by("id")] == [
        "user.created",
        "membership.created",
        "membership.deleted",
    ]


def test_a_role_needs_its_scope(client, users):
    client.force_login(users["admin"])
    response = client.post(
        reverse("beheer:user", args=[users["nobody"].pk]), {"role": Role.COORDINATOR}
    )
    assert response.status_code == 200
    assert 'href="#id_region"' in response.content.decode()
    assert not Membership.objects.filter(user=users["nobody"]).exists()


def test_deactivating_is_a_post_by_an_administrator(client, users):
    url = reverse("beheer:user_active", args=[users["almere"].pk])
    client.force_login(users["coordinator"])
    assert client.post(url, {"active": "0"}).status_code == 403
    client.force_login(users["admin"])
    assert client.get(url).status_code == 405
    assert client.post(url, {"active": "0"}).status_code == 302
    users["almere"].refresh_from_db()
    assert not users["almere"].is_active


def test_region_page_changes_members_and_shows_neighbours_read_only(client, users, region):
    client.force_login(users["admin"])
    url = reverse("beheer:region", args=[region.key])
    page = client.get(url)
    assert page.context["neighbour_pairs"]  # Almere – Lelystad, …
    members = list(region.members.exclude(code=ALMERE).values_list("pk", flat=True))
    assert client.post(url, {"members": members}).status_code == 302
    assert not region.members.filter(code=ALMERE).exists()
    assert AuditEvent.objects.filter(name="region.updated").count() == 1


def test_a_refused_password_is_shown_at_the_password_field(client, users):
    client.force_login(users["admin"])
    response = client.post(reverse("beheer:user_new"), {"username": "kort", "password": "kort"})
    assert response.status_code == 200
    assert response.context["form"].errors["password"]
    body = response.content.decode()
    assert 'href="#id_password"' in body and 'id="id_password_error"' in body


def test_the_error_summary_leaves_non_field_errors_to_the_form(client, users):
    """A form's own error is shown once, beside the form, and not repeated in the summary;
    an empty submission is validated like any other."""
    client.force_login(users["admin"])
    body = client.post(reverse("beheer:organisation_new"), {}).content.decode()
    assert body.count("data-error-summary") == 1
    url = reverse("beheer:user", args=[users["almere"].pk])
    almere = Organisation.objects.get(code=ALMERE).pk
    response = client.post(url, {"role": Role.EDITOR, "organisation": almere})
    body = response.content.decode()
    assert "data-error-summary" not in body
    assert body.count('role="alert"') == 1
