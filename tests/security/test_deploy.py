"""The production settings pass ``normmonitor check --deploy`` and are strict where it matters."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest


def production_env(tmp_path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "NORMMONITOR_", "DATABASE_URL"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "normmonitor.conf.production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
            "DJANGO_ALLOWED_HOSTS": "normmonitor.example.nl",
            "NORMMONITOR_DATA_DIR": str(tmp_path),
            "LOG_FORMAT": "plain",
            **extra,
        }
    )
    return env


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )


def test_check_deploy_is_clean(tmp_path):
    result = run(
        production_env(tmp_path),
        "-m",
        "normmonitor",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_a_short_or_missing_secret(tmp_path):
    for secret in ("", "too-short"):
        result = run(
            production_env(tmp_path, DJANGO_SECRET_KEY=secret), "-m", "normmonitor", "check"
        )
        assert result.returncode != 0
        assert "DJANGO_SECRET_KEY" in result.stderr


PRINT_SETTINGS = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({name: getattr(settings, name) for name in (
    "DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS",
    "SECURE_SSL_REDIRECT", "SESSION_COOKIE_HTTPONLY", "X_FRAME_OPTIONS",
    "SECURE_CONTENT_TYPE_NOSNIFF", "SESSION_COOKIE_NAME", "NORMMONITOR_MFA_REQUIRED_ROLES",
    "SESSION_EXPIRE_AT_BROWSER_CLOSE", "SESSION_COOKIE_AGE", "SESSION_IDLE_TIMEOUT",
    "AXES_FAILURE_LIMIT",
)}, default=str))
"""


def test_production_settings_are_strict(tmp_path):
    import json

    result = run(production_env(tmp_path), "-c", PRINT_SETTINGS)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]
    assert values["SECURE_HSTS_SECONDS"] >= 31536000 and values["SECURE_SSL_REDIRECT"]
    assert values["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert values["X_FRAME_OPTIONS"] == "DENY" and values["SECURE_CONTENT_TYPE_NOSNIFF"]
    assert set(values["NORMMONITOR_MFA_REQUIRED_ROLES"]) == {"administrator", "coordinator"}
    assert values["SESSION_EXPIRE_AT_BROWSER_CLOSE"] and values["SESSION_COOKIE_AGE"] <= 8 * 3600
    assert 0 < values["SESSION_IDLE_TIMEOUT"] <= 3600
    assert values["AXES_FAILURE_LIMIT"] <= 10


@pytest.mark.parametrize("module", ["normmonitor.conf.dev", "normmonitor.conf.test"])
def test_only_the_demo_and_tests_switch_mfa_off(tmp_path, module):
    result = run(production_env(tmp_path, DJANGO_SETTINGS_MODULE=module), "-c", PRINT_SETTINGS)
    assert result.returncode == 0, result.stderr
    assert '"NORMMONITOR_MFA_REQUIRED_ROLES": []' in result.stdout
