"""Errors as Problem Details (RFC 9457, application/problem+json), as the NL API Design Rules
ask: ``type``, ``title``, ``status``, ``detail``, ``instance`` and, for invalid input,
``invalidParams`` (one entry per field, as the Dutch API strategy's error module does)."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import set_rollback

from normmonitor.core.exceptions import InvalidState, NotAllowed, ServiceError, StaleVersion

PROBLEM_CONTENT_TYPE = "application/problem+json"
API_VERSION = "1.0.0"  # the full semantic version, in every response's API-Version header
API_PREFIX = "/api/v1/"

logger = logging.getLogger("normmonitor.api")

# Problem types beyond the plain HTTP status (RFC 9457 §4.2: "about:blank" means "just the
# status"). URNs, so that they never pretend to be dereferenceable documents.
STALE_VERSION = "urn:normmonitor:problem:stale-version"
INVALID_STATE = "urn:normmonitor:problem:invalid-state"
PRECONDITION_REQUIRED = "urn:normmonitor:problem:precondition-required"


def problem_body(
    status: int,
    detail: str | None = None,
    *,
    type_: str = "about:blank",
    title: str | None = None,
    instance: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": type_,
        "title": title or HTTPStatus(status).phrase,
        "status": status,
    }
    if detail:
        body["detail"] = detail
    if instance:
        body["instance"] = instance
    body.update(extra)
    return body


def problem(
    status: int,
    detail: str | None = None,
    *,
    request: Any = None,
    headers: dict[str, str] | None = None,
    **kwargs: Any,
) -> Response:
    instance = getattr(request, "path", None) if request is not None else None
    return Response(
        problem_body(status, detail, instance=instance, **kwargs),
        status=status,
        headers=headers,
        content_type=PROBLEM_CONTENT_TYPE,
    )


def invalid_params(detail: Any, prefix: str = "") -> list[dict[str, str]]:
    """DRF's nested validation errors as a flat list of {name, code, reason}."""
    result: list[dict[str, str]] = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = key if key != "non_field_errors" else ""
            result += invalid_params(
                value, f"{prefix}.{name}" if prefix and name else prefix or name
            )
    elif isinstance(detail, list):
        for index, value in enumerate(detail):
            if isinstance(value, dict | list) and not isinstance(value, exceptions.ErrorDetail):
                result += invalid_params(value, f"{prefix}[{index}]")
            else:
                result += invalid_params(value, prefix)
    else:
        result.append(
            {
                "name": prefix or "body",
                "code": str(getattr(detail, "code", "invalid")),
                "reason": str(detail),
            }
        )
    return result


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's EXCEPTION_HANDLER: every error of an API view becomes a problem response."""
    request = context.get("request")
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied | NotAllowed):
        exc = exceptions.PermissionDenied()

    headers: dict[str, str] = {}
    if isinstance(exc, exceptions.APIException):
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header  # type: ignore[attr-defined]
        if getattr(exc, "wait", None):
            headers["Retry-After"] = str(int(exc.wait))  # type: ignore[attr-defined]
        set_rollback()
        if isinstance(exc, exceptions.ValidationError):
            return problem(
                exc.status_code,
                _("The request has invalid parameters."),
                request=request,
                headers=headers,
                invalidParams=invalid_params(exc.detail),
            )
        detail = exc.detail if isinstance(exc.detail, str) else None
        return problem(exc.status_code, detail and str(detail), request=request, headers=headers)

    if isinstance(exc, StaleVersion):
        set_rollback()
        return problem(409, str(exc), request=request, type_=STALE_VERSION)
    if isinstance(exc, InvalidState):
        set_rollback()
        return problem(409, str(exc), request=request, type_=INVALID_STATE)
    if isinstance(exc, ServiceError):
        set_rollback()
        return problem(400, str(exc), request=request)

    set_rollback()
    logger.exception("Unhandled error in %s", getattr(request, "path", "the API"))
    return problem(500, _("Something went wrong on our side."), request=request)


@csrf_exempt  # answers every method with 404; nothing to protect, and no HTML 403 instead
def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Everything under /api/v1/ that matches no operation, including a path with a trailing
    slash (the API has none): a problem response rather than an HTML page or a redirect."""
    detail = _("There is no such resource.")
    if request.path.endswith("/") and request.path != API_PREFIX:
        detail += " " + _("API paths have no trailing slash.")
    response = JsonResponse(
        problem_body(404, detail, instance=request.path),
        status=404,
        content_type=PROBLEM_CONTENT_TYPE,
        json_dumps_params={"ensure_ascii": False},
    )
    response["API-Version"] = API_VERSION
    return response
