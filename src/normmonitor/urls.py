from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from normmonitor.core import views as core_views

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("health/", core_views.health, name="health"),
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
]
