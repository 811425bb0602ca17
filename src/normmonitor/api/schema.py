"""The OpenAPI document: drf-spectacular, plus what every operation has in common (problem
responses, the API-Version header, bearer authentication)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema

from .problems import PROBLEM_CONTENT_TYPE


class ApiAutoSchema(AutoSchema):
    pass


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "normmonitor.api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token (nm_…), created on the API page or with "
            "`normmonitor api-token create`.",
        }


PROBLEM = {
    "type": "object",
    "description": "Problem Details (RFC 9457).",
    "properties": {
        "type": {"type": "string", "description": "about:blank or a urn:normmonitor:problem."},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 100, "maximum": 599},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "currentVersion": {
            "type": "integer",
            "nullable": True,
            "description": "With a stale-version problem: the answer's version now.",
        },
        "invalidParams": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "code": {"type": "string"},
                    "reason": {"type": "string"},
                },
                "required": ["name", "code", "reason"],
            },
        },
    },
    "required": ["type", "title", "status"],
}

_READ_PROBLEMS = {
    "400": "Invalid query parameters (see invalidParams).",
    "401": "No valid token or session.",
    "403": "Not allowed.",
    "404": "No such resource, or not visible to you.",
    "406": "Only JSON responses are available.",
    "500": "Server error.",
}
_WRITE_PROBLEMS = {
    "400": "Invalid body (see invalidParams).",
    "409": "Conflict: a stale version (given in the body) or a round that is not open.",
    "412": "The If-Match version is not the current one.",
    "415": "The body is not JSON.",
    "422": "Well-formed, but refused: a level not on the scale, a missing explanation… "
    "(see invalidParams).",
    "428": "Neither If-Match nor a version in the body.",
}


def add_problem_responses(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """drf-spectacular post-processing hook."""
    components = result.setdefault("components", {})
    components.setdefault("schemas", {})["Problem"] = PROBLEM
    components.setdefault("headers", {})["API-Version"] = {
        "description": "The full version of the API that answered (semantic versioning).",
        "schema": {"type": "string", "example": "1.0.0"},
    }
    problem_ref = {"$ref": "#/components/schemas/Problem"}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            codes = dict(_READ_PROBLEMS)
            if method in {"post", "put", "patch"}:
                codes.update(_WRITE_PROBLEMS)
            for code, description in codes.items():
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {PROBLEM_CONTENT_TYPE: {"schema": problem_ref}},
                    },
                )
            for response in responses.values():
                response.setdefault("headers", {})["API-Version"] = {
                    "$ref": "#/components/headers/API-Version"
                }
            if operation.get("operationId") in {"getAnswer", "updateAnswer"}:
                for code in ("200", "409", "412"):
                    if code in responses:
                        responses[code]["headers"]["ETag"] = {
                            "description": 'The answer\'s current version, as "3".',
                            "schema": {"type": "string"},
                        }
    result["servers"] = [{"url": "/", "description": "This installation"}]
    return result
