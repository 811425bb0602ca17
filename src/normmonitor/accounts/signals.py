"""Audit events for authentication. Logins and failures happen inside Django and allauth rather
than in our services, so these receivers record them: ``auth.login``, ``auth.login_failed``,
``auth.locked_out``, ``auth.logout``, ``auth.password_changed``, ``auth.password_reset``,
``auth.mfa_added``, ``auth.mfa_removed``, ``auth.recovery_codes_reset``."""

from typing import Any

from allauth.account.signals import password_changed, password_reset, password_set
from allauth.mfa.signals import authenticator_added, authenticator_removed, authenticator_reset
from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from normmonitor.audit.services import record
from normmonitor.core.views import client_address


def _address(request: Any) -> str | None:
    return client_address(request) if request is not None else None


def _attempted_username(credentials: dict | None) -> str:
    # Django has already masked the password; keep only the (truncated) name tried.
    return str((credentials or {}).get("username") or (credentials or {}).get("login") or "")[:150]


@receiver(user_logged_in, dispatch_uid="audit_login")
def audit_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record("auth.login", actor=user, address=_address(request))


@receiver(user_logged_out, dispatch_uid="audit_logout")
def audit_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record("auth.logout", actor=user, address=_address(request))


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def audit_login_failed(sender: Any, credentials: dict, request: Any = None, **kwargs: Any) -> None:
    username = _attempted_username(credentials)
    known = get_user_model().objects.filter(username=username).first() if username else None
    # The attempt is not the account holder's act: no actor, but the account it concerned.
    record(
        "auth.login_failed",
        actor=None,
        address=_address(request),
        username=username,
        account=known.pk if known else None,
        locked_out=bool(getattr(request, "axes_locked_out", False)),
    )


@receiver(user_locked_out, dispatch_uid="audit_locked_out")
def audit_locked_out(
    sender: Any, request: Any = None, username: str | None = None, **kwargs: Any
) -> None:
    record(
        "auth.locked_out",
        actor=None,
        address=_address(request) or kwargs.get("ip_address"),
        username=str(username or "")[:150],
    )


@receiver(password_changed, dispatch_uid="audit_password_changed")
@receiver(password_set, dispatch_uid="audit_password_set")
def audit_password_changed(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record("auth.password_changed", actor=user, address=_address(request))


@receiver(password_reset, dispatch_uid="audit_password_reset")
def audit_password_reset(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record("auth.password_reset", actor=user, address=_address(request))


def _authenticator_event(name: str):
    def handler(sender: Any, request: Any, user: Any, authenticator: Any, **kwargs: Any) -> None:
        record(name, actor=user, address=_address(request), type=authenticator.type)

    return handler


def _added(sender: Any, request: Any, user: Any, authenticator: Any, **kwargs: Any) -> None:
    record("auth.mfa_added", actor=user, address=_address(request), type=authenticator.type)
    # Setting up a factor proved possession of it (allauth checked a code or a key): count it
    # as this session's second factor, so that MfaRequiredMiddleware does not ask for it again.
    if request is not None and authenticator.type != "recovery_codes":
        from allauth.account.internal.flows.login import record_authentication

        record_authentication(request, user, "mfa", type=authenticator.type)


_removed = _authenticator_event("auth.mfa_removed")
_reset = _authenticator_event("auth.recovery_codes_reset")
authenticator_added.connect(_added, dispatch_uid="audit_mfa_added")
authenticator_removed.connect(_removed, dispatch_uid="audit_mfa_removed")
authenticator_reset.connect(_reset, dispatch_uid="audit_mfa_reset")
