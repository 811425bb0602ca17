from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "normmonitor.api"
    label = "api"
    verbose_name = "API"

    def ready(self) -> None:
        # The API authenticates every request itself (token or session; DRF answers 401 as
        # problem+json): core.middleware.PUBLIC_PATH_PREFIXES exempts /api/v1/ from the login
        # redirect.
        from . import schema  # noqa: F401 - registers the bearer scheme with drf-spectacular
