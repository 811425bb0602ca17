"""The account page, enforced MFA set-up, and logging out of every session."""

from typing import Any

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.usersessions.internal.flows.sessions import end_sessions
from allauth.usersessions.models import UserSession
from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from normmonitor.access.models import Membership
from normmonitor.audit.services import record
from normmonitor.core.views import client_address

from .mfa import has_second_factor, mfa_required_for


@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "accounts/overview.html",
        {
            "memberships": Membership.objects.filter(user=user).select_related(
                "organisation", "region"
            ),
            "authenticators": Authenticator.objects.filter(user=user).order_by("type"),
            "mfa_required": mfa_required_for(user),
            "has_second_factor": has_second_factor(user),
            "session_count": UserSession.objects.filter(user=user).count(),
        },
    )


@require_GET
def mfa_required(request: HttpRequest) -> HttpResponse:
    if has_second_factor(request.user):
        return redirect("accounts:overview")
    return render(
        request,
        "accounts/mfa_required.html",
        {"webauthn": "webauthn" in mfa_settings.SUPPORTED_TYPES},
    )


def locked_out(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """The page django-axes shows while logging in is blocked (AXES_LOCKOUT_CALLABLE)."""
    cooloff = get_cool_off(request)
    minutes = max(1, round(cooloff.total_seconds() / 60)) if cooloff else 0
    return render(
        request,
        "accounts/locked_out.html",
        {"cooloff_minutes": minutes},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )


@require_POST
def logout_everywhere(request: HttpRequest) -> HttpResponse:
    """End every session of the user, on every device, this one included."""
    user = request.user
    sessions = list(UserSession.objects.filter(user=user))
    record(
        "auth.logout_everywhere",
        actor=user,
        address=client_address(request),
        sessions=len(sessions),
    )
    end_sessions(request, sessions)
    if request.user.is_authenticated:  # a session allauth did not track (opened another way)
        logout(request)
    messages.success(request, _("You have been logged out on every device."))
    return redirect("login")
