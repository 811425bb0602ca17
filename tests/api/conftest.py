"""Fixtures for the API tests: a token per user and a client that sends it."""

from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from normmonitor.api.services import token_create


@pytest.fixture
def token_for(db) -> Callable[[object], str]:
    def make(user) -> str:
        return token_create(actor=None, user=user, name="test")[1]

    return make


@pytest.fixture
def api(token_for) -> Callable[[object | None], APIClient]:
    """``api(user)``: a client sending a fresh token of ``user``; ``api()`` is anonymous."""

    def make(user=None) -> APIClient:
        client = APIClient()
        client.default_format = "json"  # bodies as JSON unless a test says otherwise
        if user is not None:
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(user)}")
        return client

    return make
