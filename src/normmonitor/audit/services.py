"""Recording audit events. Services call ``record`` inside their own transaction, so an event
exists exactly when its change was committed."""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from .models import AuditEvent

SYSTEM_ACTOR = "system"


def record(
    name: str,
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    organisation: Any = None,
    round: Any = None,
    address: str | None = None,
    **data: Any,
) -> AuditEvent:
    user = actor if actor is not None and actor.is_authenticated else None
    return AuditEvent.objects.create(
        name=name,
        actor=user,
        actor_name=user.get_username() if user else SYSTEM_ACTOR,
        organisation=organisation,
        round=round,
        address=address,
        data=data,
    )
