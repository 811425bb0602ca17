from django.urls import path

from . import views

app_name = "analysis"
urlpatterns = [
    path("analyse/", views.index, name="index"),
    path("analyse/vergelijken/", views.compare_view, name="compare"),
    path("analyse/regio/<slug:region>/trends/", views.region_trends, name="region_trends"),
    path(
        "analyse/organisaties/<slug:code>/trends/",
        views.organisation_trends,
        name="organisation_trends",
    ),
    path("analyse/rondes/<slug:key>/waterbed/", views.waterbed, name="waterbed"),
    path(
        "analyse/rondes/<slug:key>/waterbed/instellingen/",
        views.waterbed_settings,
        name="waterbed_settings",
    ),
    path("analyse/rondes/<slug:key>/tempo/", views.pace_view, name="pace"),
]
