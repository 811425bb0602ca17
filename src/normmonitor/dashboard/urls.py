from django.urls import path

from . import views

app_name = "dashboard"
urlpatterns = [
    path("", views.home, name="home"),
    path("rondes/", views.round_list, name="rounds"),
    path("rondes/<slug:key>/", views.round_dashboard_view, name="round"),
]
