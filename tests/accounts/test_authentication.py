"""Logging in through django-allauth: audit, session fixation, lockout, two-factor
authentication (enforced per role), password reset, idle timeout and logging out everywhere."""

import re
from datetime import timedelta

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from normmonitor.audit.models import AuditEvent
from tests.accounts.conftest import MFA_ROLES, log_in, totp_code
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_login_is_audited_and_renews_the_session_key(client, users):
    client.get("/login/")
    client.session.save()
    before = client.session.session_key
    response = log_in(client, "almere")
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.session.session_key != before  # no session fixation
    event = AuditEvent.objects.get(name="auth.login")
    assert event.actor == users["almere"] and event.address == "127.0.0.1"


def test_a_failed_login_is_audited_without_the_password(client, users):
    response = log_in(client, "almere", "wrong-password-123")
    assert response.status_code == 200
    event = AuditEvent.objects.get(name="auth.login_failed")
    assert event.actor is None and event.data["username"] == "almere"
    assert event.data["account"] == users["almere"].pk
    assert "wrong-password" not in str(event.data)


def test_the_login_page_keeps_its_url_name_and_next(client, users):
    response = client.get(reverse("assessments:fill", args=["x", "y"]))
    assert response["Location"].startswith(reverse("login") + "?next=")
    response = log_in(client, "almere", next="/organisaties/GM0034/")
    assert response["Location"] == "/organisaties/GM0034/"


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"],
)
def test_login_next_cannot_redirect_elsewhere(client, users, target):
    response = log_in(client, "almere", next=target)
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_sign_up_is_closed(client, db):
    response = client.get("/konto/signup/")
    assert response.status_code in (302, 200)
    if response.status_code == 200:
        assert b"signup" not in response.content.lower() or b"closed" in response.content.lower()
    response = client.post(
        "/konto/signup/",
        {
            "username": "eve",
            "email": "eve@example.invalid",
            "password1": "x" * 20,
            "password2": "x" * 20,
        },
    )
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(username="eve").exists()


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_repeated_failures_lock_the_account_and_are_audited(client, users):
    for _ in range(2):
        assert log_in(client, "almere", "wrong-password-123").status_code == 200
    response = log_in(client, "almere", "wrong-password-123")
    assert response.status_code == 429
    assert AuditEvent.objects.filter(name="auth.locked_out", data__username="almere").exists()
    # The right password is refused too while the lockout lasts, from any address.
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert log_in(other, "almere").status_code == 429
    assert not AuditEvent.objects.filter(name="auth.login").exists()
    # After the cool-off period the account works again.
    with time_machine.travel(timedelta(minutes=16)):
        assert log_in(Client(), "almere").status_code == 302


@override_settings(NORMMONITOR_MFA_REQUIRED_ROLES=MFA_ROLES)
def test_coordinator_without_second_factor_must_set_one_up(client, users):
    assert log_in(client, "coordinator").status_code == 302
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:mfa_required")
    assert client.get(reverse("accounts:mfa_required")).status_code == 200
    # Nothing else is reachable, but setting up and logging out are.
    assert client.get("/rondes/nieuw/").status_code == 302
    assert client.get(reverse("mfa_activate_totp")).status_code in (200, 302)
    # An editor is not affected.
    editor = Client()
    log_in(editor, "almere")
    assert editor.get("/").status_code == 200


@override_settings(NORMMONITOR_MFA_REQUIRED_ROLES=MFA_ROLES)
def test_totp_login_and_recovery_code(client, users, with_totp):
    secret, recovery_codes = with_totp(users["coordinator"])
    response = log_in(client, "coordinator")
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get("/").status_code == 302  # not logged in before the second factor
    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert response.status_code == 200  # a wrong code is refused
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    # A recovery code works once instead of the app.
    other = Client()
    log_in(other, "coordinator")
    response = other.post(reverse("mfa_authenticate"), {"code": recovery_codes[0]})
    assert response.status_code == 302 and other.get("/").status_code == 200
    third = Client()
    log_in(third, "coordinator")
    assert third.post(reverse("mfa_authenticate"), {"code": recovery_codes[0]}).status_code == 200


@override_settings(NORMMONITOR_MFA_REQUIRED_ROLES=MFA_ROLES)
def test_a_session_opened_without_the_second_factor_must_confirm_it(client, users, with_totp):
    with_totp(users["admin"])
    client.force_login(users["admin"])  # as if a session were opened another way
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_reauthenticate"))


def test_totp_secrets_are_encrypted_at_rest(users, with_totp):
    secret, _codes = with_totp(users["coordinator"])
    stored = Authenticator.objects.get(user=users["coordinator"], type="totp").data["secret"]
    assert stored.startswith("fernet:") and secret not in stored


@override_settings(NORMMONITOR_MFA_REQUIRED_ROLES=MFA_ROLES)
def test_a_required_second_factor_cannot_be_removed(users, with_totp):
    from allauth.mfa.adapter import get_adapter

    with_totp(users["coordinator"])
    totp = Authenticator.objects.get(user=users["coordinator"], type="totp")
    assert not get_adapter().can_delete_authenticator(totp)


def test_activating_totp_through_the_web_is_audited(
    client, users, django_capture_on_commit_callbacks
):
    log_in(client, "almere")
    # Setting up a second factor asks for the password again first.
    response = client.get(reverse("mfa_activate_totp"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    response = client.post(response["Location"], {"password": PASSWORD})
    assert response["Location"] == reverse("mfa_activate_totp")
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = client.session["mfa.totp.secret"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=users["almere"], type="totp").exists()
    assert AuditEvent.objects.filter(name="auth.mfa_added", actor=users["almere"]).exists()


def test_password_reset_by_email(client, users):
    user = users["almere"]
    user.email = "almere@example.invalid"
    user.save()
    response = client.post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/konto/password/reset/key/\S+)", mail.outbox[0].body).group(1)
    response = client.get(link)
    assert response.status_code == 302  # allauth moves the key into the session
    new_password = "a-new-password-for-almere-2024"
    response = client.post(
        response["Location"], {"password1": new_password, "password2": new_password}
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(name="auth.password_reset", actor=user).exists()
    assert log_in(Client(), "almere", new_password).status_code == 302
    # An unknown address gives the same answer (no account enumeration).
    response = client.post(reverse("account_reset_password"), {"email": "nobody@example.invalid"})
    assert response.status_code == 302 and len(mail.outbox) == 1


def test_password_policy(client, users):
    log_in(client, "almere")
    for weak in ("short", "123456789012", "password1234", "almere"):
        response = client.post(
            reverse("account_change_password"),
            {"oldpassword": PASSWORD, "password1": weak, "password2": weak},
        )
        assert response.status_code == 200, weak  # refused with a message
    strong = "Bibob-beleid-is-vastgesteld-2022"
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": strong, "password2": strong},
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(name="auth.password_changed").exists()


def test_idle_sessions_expire(client, users):
    with time_machine.travel("2026-03-02 09:00 +0100", tick=False) as traveller:
        log_in(client, "almere")
        assert client.get("/").status_code == 200
        traveller.shift(timedelta(minutes=20))
        assert client.get("/").status_code == 200
        traveller.shift(timedelta(minutes=31))
        response = client.get("/")
        assert response.status_code == 302 and response["Location"].startswith("/login/")
        assert client.get("/").status_code == 302


def test_log_out_everywhere(client, users):
    laptop, phone = client, Client()
    log_in(laptop, "almere")
    log_in(phone, "almere")
    assert phone.get("/").status_code == 200
    assert laptop.get(reverse("accounts:overview")).status_code == 200
    response = laptop.post(reverse("accounts:logout_everywhere"))
    assert response.status_code == 302
    assert phone.get("/").status_code == 302
    assert laptop.get("/").status_code == 302
    assert AuditEvent.objects.filter(name="auth.logout_everywhere").exists()


@pytest.mark.django_db(transaction=True)  # allauth records the new factor on commit
@override_settings(NORMMONITOR_MFA_REQUIRED_ROLES=MFA_ROLES)
def test_a_coordinator_sets_up_totp_and_carries_on(client, users):
    log_in(client, "coordinator")
    assert client.get("/")["Location"] == reverse("accounts:mfa_required")
    response = client.get(reverse("mfa_activate_totp"))
    client.post(response["Location"], {"password": PASSWORD})
    client.get(reverse("mfa_activate_totp"))
    secret = client.session["mfa.totp.secret"]
    client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert client.get("/").status_code == 200
