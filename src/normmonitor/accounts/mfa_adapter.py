"""allauth's MFA hooks: second-factor secrets encrypted at rest, and the last second factor of a
user whose role requires one cannot be removed."""

from __future__ import annotations

import base64
import hashlib

from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .mfa import mfa_required_for

PREFIX = "fernet:"


def _fernet() -> Fernet:
    """A key derived from NORMMONITOR_MFA_KEY, or else from SECRET_KEY (then rotating the secret
    key means every user sets up their authenticator again; docs/security.md)."""
    material = getattr(settings, "NORMMONITOR_MFA_KEY", "") or settings.SECRET_KEY
    if not material:
        raise ImproperlyConfigured("No key to encrypt second-factor secrets with")
    digest = hashlib.sha256(b"normmonitor-mfa-secrets\x00" + material.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


class MFAAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        return PREFIX + _fernet().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        if not encrypted_text.startswith(PREFIX):
            return encrypted_text  # stored before encryption was configured
        try:
            return _fernet().decrypt(encrypted_text[len(PREFIX) :].encode()).decode()
        except InvalidToken as error:
            raise ImproperlyConfigured(
                "A second-factor secret cannot be decrypted: was the key changed?"
            ) from error

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        if authenticator.type == Authenticator.Type.RECOVERY_CODES:
            return super().can_delete_authenticator(authenticator)
        user = authenticator.user
        others = (
            Authenticator.objects.filter(user=user)
            .exclude(pk=authenticator.pk)
            .exclude(type=Authenticator.Type.RECOVERY_CODES)
        )
        if mfa_required_for(user) and not others.exists():
            return False
        return super().can_delete_authenticator(authenticator)
