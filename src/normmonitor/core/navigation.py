"""The main navigation, contributed by the apps.

An app that wants a menu entry has a module ``navigation.py`` with
``NAV_ITEMS = [NavItem(url_name=..., label=..., visible=callable(user) -> bool)]``;
they are collected once, at start-up, in INSTALLED_APPS order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import import_module
from typing import Any

from django.apps import apps
from django.http import HttpRequest
from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: Any  # a lazy translation
    visible: Callable[[Any], bool] = lambda user: True
    order: int = 50


@cache
def _registered() -> tuple[NavItem, ...]:
    items: list[NavItem] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("normmonitor."):
            continue
        try:
            module = import_module(f"{config.name}.navigation")
        except ModuleNotFoundError as missing:
            if missing.name != f"{config.name}.navigation":
                raise
            continue
        items.extend(getattr(module, "NAV_ITEMS", ()))
    return tuple(sorted(items, key=lambda item: item.order))


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Context processor: the entries the current user may see."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": []}
    entries = []
    for item in _registered():
        if item.visible(user):
            url = reverse(item.url_name)
            entries.append(
                {
                    "url": url,
                    "label": item.label,
                    "current": request.path.startswith(url) and url != "/",
                }
            )
    return {"navigation": entries}
