from django.urls import path

from . import views

app_name = "rounds"
urlpatterns = [
    path("rondes/nieuw/", views.round_new, name="new"),
    path("rondes/<slug:key>/status/<slug:action>/", views.change_state, name="change_state"),
    path("rondes/<slug:key>/regio-overzicht/", views.round_heatmap, name="heatmap"),
    path("rondes/<slug:key>/heropenen/", views.round_reopen, name="reopen"),
    path("rondes/<slug:key>/momentopname/", views.round_snapshot, name="snapshot"),
]
