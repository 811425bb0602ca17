"""Who must use multi-factor authentication (settings.NORMMONITOR_MFA_REQUIRED_ROLES) and
whether they do."""

from __future__ import annotations

from typing import Any

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.http import HttpRequest

from normmonitor.access.models import Role
from normmonitor.access.policy import grants_for


def mfa_required_for(user: Any) -> bool:
    """True when one of the user's roles is in NORMMONITOR_MFA_REQUIRED_ROLES."""
    required = set(getattr(settings, "NORMMONITOR_MFA_REQUIRED_ROLES", ()))
    if not required or not user.is_authenticated:
        return False
    grants = grants_for(user)
    roles = set()
    if grants.administrator:
        roles.add(Role.ADMINISTRATOR)
    if grants.coordinated_regions:
        roles.add(Role.COORDINATOR)
    if grants.edited_organisations:
        roles.add(Role.EDITOR)
    if grants.read_organisations:
        roles.add(Role.READER)
    return bool(roles & required)


def has_second_factor(user: Any) -> bool:
    return (
        Authenticator.objects.filter(user=user)
        .exclude(type=Authenticator.Type.RECOVERY_CODES)
        .exists()
    )


def session_used_second_factor(request: HttpRequest) -> bool:
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)
