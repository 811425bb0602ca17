from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "normmonitor.api"
    label = "api"
    verbose_name = "API"

    def ready(self) -> None:
        # The API authenticates every request itself (token or session; DRF answers 401 as
        # problem+json). core's LoginRequiredMiddleware would send token requests to the login
        # page instead, so /api/v1/ joins its public prefixes. Asked of core's owner as a
        # one-line change of PUBLIC_PATH_PREFIXES; this is then a no-op.
        from normmonitor.core import middleware

        from . import schema  # noqa: F401 - registers the bearer scheme with drf-spectacular
        from .problems import API_PREFIX

        prefixes = getattr(middleware, "PUBLIC_PATH_PREFIXES", None)
        if isinstance(prefixes, tuple) and not API_PREFIX.startswith(prefixes):
            middleware.PUBLIC_PATH_PREFIXES = (*prefixes, API_PREFIX)
