import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.core.cache import cache

from tests.conftest import PASSWORD

MFA_ROLES = ["administrator", "coordinator"]


@pytest.fixture(autouse=True)
def fresh_cache():
    """allauth keeps rate limits and used TOTP codes in the cache."""
    cache.clear()
    yield
    cache.clear()


def log_in(client, username: str, password: str = PASSWORD, **extra):
    return client.post("/login/", {"login": username, "password": password, **extra})


def totp_code(secret: str) -> str:
    import time

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.fixture
def with_totp():
    """Give a user a TOTP authenticator and recovery codes; returns (secret, recovery codes)."""

    def activate(user) -> tuple[str, list[str]]:
        secret = generate_totp_secret()
        TOTP.activate(user, secret)
        codes = RecoveryCodes.activate(user).get_unused_codes()
        return secret, codes

    return activate
