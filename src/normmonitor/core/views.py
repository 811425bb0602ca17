"""Helpers shared by the views of every app."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from .exceptions import Refused


def check(request: HttpRequest, permission: str, obj: Any = None) -> None:
    """Refuse with 403 unless the user has the permission (see access/policy.py)."""
    if not request.user.has_perm(permission, obj):
        raise PermissionDenied


def client_address(request: HttpRequest) -> str | None:
    # REMOTE_ADDR only: a proxy's X-Forwarded-For is trusted by the proxy's own configuration.
    return request.META.get("REMOTE_ADDR") or None


def health(request: HttpRequest) -> JsonResponse:
    """Liveness and readiness: answers 200 only when the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The 403 page (handler403): shows a reason only when it was written for the user."""
    reason = str(exception) if isinstance(exception, Refused) else ""
    return render(request, "403.html", {"reason": reason}, status=403)
