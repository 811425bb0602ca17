from allauth.account import views as account_views
from django.contrib import admin
from django.urls import include, path

from normmonitor.core import views as core_views

# A refusal whose reason was written for the user shows it (core.exceptions.Refused).
handler403 = "normmonitor.core.views.permission_denied"

urlpatterns = [
    # Logging in and out through django-allauth (MFA, lockout, password reset): see
    # docs/security.md. The short names stay for LOGIN_URL and the templates.
    path("login/", account_views.login, name="login"),
    path("logout/", account_views.logout, name="logout"),
    path("konto/", include("allauth.urls")),
    path("", include("normmonitor.accounts.urls")),
    path("", include("normmonitor.audit.urls")),
    path("", include("normmonitor.access.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("health/", core_views.health, name="health"),
    path("ready/", core_views.ready, name="ready"),
    path("beheer/django/", admin.site.urls),
    path("", include("normmonitor.rounds.urls")),
    path("", include("normmonitor.organisations.urls")),
    path("", include("normmonitor.dashboard.urls")),
    path("", include("normmonitor.assessments.urls")),
    path("", include("normmonitor.evidence.urls")),
    path("", include("normmonitor.actions.urls")),
    path("", include("normmonitor.analysis.urls")),
    path("", include("normmonitor.resiliencescan.urls")),
    path("", include("normmonitor.initiatives.urls")),
    path("", include("normmonitor.documentscan.urls")),
    path("", include("normmonitor.reports.urls")),
    path("", include("normmonitor.api.urls")),
    path("", include("normmonitor.beheer.urls")),
]
