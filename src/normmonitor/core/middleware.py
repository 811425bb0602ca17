"""Cross-cutting request handling: login everywhere, idle sessions, and security headers."""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

# Pages an anonymous visitor may reach: logging in (with its second-factor step), resetting a
# forgotten password, logging out, static files, the language switch, and the liveness and
# readiness checks (asked by an orchestrator without an account). The REST API authenticates
# every request itself (a token or the session) and answers 401.
PUBLIC_PATH_PREFIXES = (
    "/api/v1/",
    "/login/",
    "/logout/",
    "/konto/login/",
    "/konto/logout/",
    "/konto/2fa/authenticate/",
    "/konto/password/reset/",
    "/static/",
    "/i18n/",
    "/health",
    "/ready",
)
IDLE_SESSION_KEY = "normmonitor_last_seen"


class SessionIdleTimeoutMiddleware:
    """Ends a session that has been idle longer than settings.SESSION_IDLE_TIMEOUT seconds (the
    absolute limit is SESSION_COOKIE_AGE). Stores the time of the last request in the session."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        timeout = getattr(settings, "SESSION_IDLE_TIMEOUT", 0)
        if timeout and request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(IDLE_SESSION_KEY)
            if last_seen is not None and now - int(last_seen) > timeout:
                logout(request)
                messages.info(request, _("You were logged out after a period of inactivity."))
                return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
            # Write at most once a minute, so that most requests leave the session unchanged.
            if last_seen is None or now - int(last_seen) >= 60:
                request.session[IDLE_SESSION_KEY] = now
        return self.get_response(request)


class LoginRequiredMiddleware:
    """Every page needs a logged-in user, except the login page itself and static files.
    Safer than decorating each view: a new view is protected by default."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated and not request.path.startswith(PUBLIC_PATH_PREFIXES):
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """A content security policy without inline script, and no caching of confidential pages."""

    POLICY = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
        "frame-ancestors 'none'"
    )

    # Powerful browser features the application never uses are switched off; security keys
    # (WebAuthn) stay available to the application itself.
    PERMISSIONS = (
        "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
        "publickey-credentials-get=(self), publickey-credentials-create=(self)"
    )

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.POLICY)
        response.headers.setdefault("Permissions-Policy", self.PERMISSIONS)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        if request.user.is_authenticated:
            response.headers.setdefault("Cache-Control", "no-store, private")
        return response
