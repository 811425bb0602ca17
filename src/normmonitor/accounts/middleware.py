"""Multi-factor authentication where the deployment requires it (NORMMONITOR_MFA_REQUIRED_ROLES,
by default administrators and coordinators): such a user without a second factor can only set one
up; a session that was not opened with the second factor must confirm it first."""

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from .mfa import has_second_factor, mfa_required_for, session_used_second_factor

ALWAYS_ALLOWED = ("/static/", "/i18n/", "/health", "/ready", "/logout/", "/konto/logout/")
SETUP_PATHS = ("/konto/2fa/", "/konto/2fa-verplicht/", "/konto/reauthenticate/")


class MfaRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(ALWAYS_ALLOWED + SETUP_PATHS)
            and mfa_required_for(user)
        ):
            if not has_second_factor(user):
                return redirect("accounts:mfa_required")
            if not session_used_second_factor(request):
                query = urlencode({"next": request.path})
                return redirect(f"{reverse('mfa_reauthenticate')}?{query}")
        return self.get_response(request)
