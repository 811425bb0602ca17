"""Creating, revoking and checking API tokens. Creation and revocation are audited."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from normmonitor.audit.services import record
from normmonitor.core.exceptions import InvalidState, ServiceError
from normmonitor.core.permissions import require

from .models import ApiToken

TOKEN_PREFIX = "nm_"  # noqa: S105 - a marker, not a secret
# last_used_at is written at most this often per token, so that reads do not all write.
LAST_USED_RESOLUTION = timedelta(minutes=15)


def hash_token(raw: str) -> str:
    """SHA-256, hex. A token carries 256 random bits, so a fast hash is enough: there is nothing
    to guess by brute force, unlike a password."""
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def token_create(
    *,
    actor: Any,
    user: Any,
    name: str,
    expires_at: datetime | None = None,
    address: str | None = None,
) -> tuple[ApiToken, str]:
    """Create a token for ``user``; returns the row and the token, which is not stored and
    cannot be shown again."""
    require(actor, "api.create_token", user)
    name = name.strip()
    if not name or len(name) > 100:
        raise ServiceError(_("Give the token a name of at most 100 characters."))
    if not user.is_active:
        raise ServiceError(_("This account is not active."))
    if expires_at is not None and expires_at <= timezone.now():
        raise ServiceError(_("The expiry date lies in the past."))
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name,
            prefix=raw[: len(TOKEN_PREFIX) + 6],
            key_hash=hash_token(raw),
            expires_at=expires_at,
        )
        record(
            "api_token.created",
            actor=actor,
            address=address,
            token=token.pk,
            owner=user.get_username(),
            token_name=name,
            prefix=token.prefix,
            expires_at=expires_at.isoformat() if expires_at else None,
        )
    return token, raw


def token_revoke(*, actor: Any, token: ApiToken, address: str | None = None) -> ApiToken:
    require(actor, "api.revoke_token", token)
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().select_related("user").get(pk=token.pk)
        if locked.revoked_at is not None:
            raise InvalidState(_("This token was revoked already."))
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        record(
            "api_token.revoked",
            actor=actor,
            address=address,
            token=locked.pk,
            owner=locked.user.get_username(),
            token_name=locked.name,
            prefix=locked.prefix,
        )
    return locked


def token_user(raw: str) -> tuple[Any, ApiToken] | None:
    """The active user and token for a presented token, or None. One query, plus an occasional
    write of last_used_at."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    token = (
        ApiToken.objects.active().select_related("user").filter(key_hash=hash_token(raw)).first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token.user, token
