"""The account pages render in the application's layout, within the content security policy."""

import re

import pytest
from django.urls import reverse

from tests.accounts.conftest import log_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)


def assert_within_policy(html: str) -> None:
    assert not INLINE_SCRIPT.search(html), INLINE_SCRIPT.search(html).group(0)
    assert " style=" not in html
    assert " onclick=" not in html.lower()


@pytest.mark.parametrize(
    "name",
    [
        "accounts:overview",
        "account_change_password",
        "mfa_index",
        "usersessions_list",
        "account_logout",
    ],
)
def test_account_pages_render(client, users, name):
    log_in(client, "almere")
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    response = client.get(reverse(name))
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 200:
        html = response.content.decode()
        assert 'class="site-header' in html  # the application's own layout
        assert_within_policy(html)


def test_totp_activation_page(client, users):
    log_in(client, "almere")
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    html = client.get(reverse("mfa_activate_totp")).content.decode()
    assert "otpauth" in html or "<svg" in html or "data:image" in html
    assert_within_policy(html)


@pytest.mark.parametrize("path", ["/login/", "/konto/password/reset/"])
def test_anonymous_pages_render(client, db, path):
    response = client.get(path)
    assert response.status_code == 200
    assert_within_policy(response.content.decode())
