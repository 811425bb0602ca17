"""Helpers shared by the views of every app."""

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from .exceptions import Refused

logger = logging.getLogger(__name__)


def check(request: HttpRequest, permission: str, obj: Any = None) -> None:
    """Refuse with 403 unless the user has the permission (see access/policy.py)."""
    if not request.user.has_perm(permission, obj):
        raise PermissionDenied


def client_address(request: HttpRequest) -> str | None:
    # REMOTE_ADDR only: a proxy's X-Forwarded-For is trusted by the proxy's own configuration.
    return request.META.get("REMOTE_ADDR") or None


def health(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers requests. It does not touch the database, so that a
    database outage does not make an orchestrator restart every application process; whether
    the process can serve is /ready/."""
    return JsonResponse({"status": "ok"})


# A positive answer stays true for the life of the process: migrations are applied before new
# code starts, and the loader reads every migration file, too slow for every probe.
_migrations_applied = False


def _unapplied_migrations() -> list[str]:
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def ready(request: HttpRequest) -> JsonResponse:
    """Readiness: 200 when the database answers and every migration is applied, else 503 with
    the reason (for a load balancer or orchestrator, before sending the process traffic)."""
    global _migrations_applied
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        unapplied = [] if _migrations_applied else _unapplied_migrations()
    except Exception:
        logger.exception("Not ready: the database does not answer")
        return JsonResponse(
            {"status": "unavailable", "reason": "the database does not answer"}, status=503
        )
    if unapplied:
        # The names go to the log, not to the anonymous caller (they tell the version).
        logger.warning("Not ready: migrations not applied: %s", ", ".join(unapplied))
        return JsonResponse(
            {"status": "unavailable", "reason": f"{len(unapplied)} migration(s) not applied"},
            status=503,
        )
    _migrations_applied = True
    return JsonResponse({"status": "ready"})


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The 403 page (handler403): shows a reason only when it was written for the user."""
    reason = str(exception) if isinstance(exception, Refused) else ""
    return render(request, "403.html", {"reason": reason}, status=403)
