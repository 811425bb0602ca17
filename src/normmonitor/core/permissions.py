"""Permission checks for services. Commands act as the system (actor None) — they are run by
whoever operates the server, which already has every right over the database."""

from typing import Any

from .exceptions import NotAllowed


def require(actor: Any, permission: str, obj: Any = None) -> None:
    if actor is None:
        return
    if not actor.has_perm(permission, obj):
        raise NotAllowed(f"Not allowed: {permission}")
