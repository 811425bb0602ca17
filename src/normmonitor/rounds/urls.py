from django.urls import path

from . import views

app_name = "rounds"
urlpatterns = [
    path("rondes/nieuw/", views.round_new, name="new"),
    path("rondes/<slug:key>/status/<slug:action>/", views.change_state, name="change_state"),
]
