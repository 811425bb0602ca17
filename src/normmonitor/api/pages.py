"""The API for people: the OpenAPI document, a server-rendered list of the operations (works
under the strict CSP: no script, no CDN) and one's own API tokens."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer, OpenApiYamlRenderer
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from normmonitor.core.exceptions import ServiceError
from normmonitor.core.views import client_address

from . import services
from .models import ApiToken
from .problems import API_VERSION

try:  # Django 5.1+: also public under django.contrib.auth's LoginRequiredMiddleware
    from django.contrib.auth.decorators import login_not_required
except ImportError:  # pragma: no cover

    def login_not_required(view):  # type: ignore[no-redef]
        return view


_schema_cache: dict[str, Any] = {}


def openapi_document() -> dict[str, Any]:
    """The OpenAPI document, generated once per process (it depends on code only)."""
    if "schema" not in _schema_cache:
        from . import urls

        generator = SchemaGenerator(patterns=urls.urlpatterns)
        _schema_cache["schema"] = generator.get_schema(request=None, public=True)
    return _schema_cache["schema"]


class SchemaView(APIView):
    """GET the OpenAPI document as JSON or YAML. Public, cacheable and readable from other
    origins (CORS), so that any OpenAPI viewer can load it by URL."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    http_method_names = ["get", "head"]
    schema = None  # not an operation of the API itself
    format_name = "openapi-json"

    def get_renderers(self) -> list[Any]:
        if self.format_name == "openapi":
            return [OpenApiYamlRenderer()]
        return [OpenApiJsonRenderer()]

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        renderer = self.get_renderers()[0]
        return renderer, renderer.media_type

    def get(self, request: Request) -> Response:
        response = Response(openapi_document())
        response["Access-Control-Allow-Origin"] = "*"
        response["Cache-Control"] = "public, max-age=300"
        response["API-Version"] = API_VERSION
        if self.format_name == "openapi":
            response["Content-Disposition"] = 'inline; filename="normmonitor-openapi.yaml"'
        return response


def schema_view(format_name: str) -> Any:
    return login_not_required(SchemaView.as_view(format_name=format_name))


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("What the token is for, such as “dashboard of the region”."),
    )
    valid_days = forms.IntegerField(
        label=gettext_lazy("Valid for (days)"),
        min_value=1,
        max_value=730,
        required=False,
        initial=365,
        help_text=gettext_lazy("Leave empty for a token that does not expire."),
    )


def _operations() -> list[dict[str, Any]]:
    document = openapi_document()
    operations = []
    for path, methods in document.get("paths", {}).items():
        for method, operation in methods.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            operations.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "id": operation.get("operationId", ""),
                    "description": (operation.get("description") or "").strip(),
                    "parameters": [
                        f"{p['name']} ({p['in']})" for p in operation.get("parameters", [])
                    ],
                }
            )
    return operations


def _page(request: HttpRequest, form: TokenForm, new_token: str | None = None, status: int = 200):
    return render(
        request,
        "api/index.html",
        {
            "operations": _operations(),
            "api_version": API_VERSION,
            "tokens": ApiToken.objects.filter(user=request.user).order_by("-created_at"),
            "form": form,
            "new_token": new_token,
            "base_url": request.build_absolute_uri("/api/v1"),
        },
        status=status,
    )


@require_GET
def api_page(request: HttpRequest) -> HttpResponse:
    return _page(request, TokenForm())


@require_POST
def token_create_view(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    days = form.cleaned_data.get("valid_days")
    try:
        _token, raw = services.token_create(
            actor=request.user,
            user=request.user,
            name=form.cleaned_data["name"],
            expires_at=timezone.now() + timedelta(days=days) if days else None,
            address=client_address(request),
        )
    except ServiceError as error:
        form.add_error(None, str(error))
        return _page(request, form, status=400)
    # Shown once, in this response only (never stored, never in a message or the session).
    return _page(request, TokenForm(), new_token=raw)


@require_POST
def token_revoke_view(request: HttpRequest, token_id: int) -> HttpResponse:
    token = ApiToken.objects.filter(pk=token_id, user=request.user).first()
    if token is None:
        raise Http404
    try:
        services.token_revoke(actor=request.user, token=token, address=client_address(request))
    except ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Token %(prefix)s… revoked.") % {"prefix": token.prefix})
    return redirect("api:page")
