from django.urls import path

from . import views

app_name = "evidence"
urlpatterns = [
    path(
        "rondes/<slug:key>/<slug:organisation>/items/<int:answer_id>/bewijs/",
        views.evidence_upload,
        name="upload",
    ),
    path("bewijs/<int:evidence_id>/", views.evidence_detail, name="detail"),
    path("bewijs/<int:evidence_id>/download/", views.evidence_download, name="download"),
    path("bewijs/<int:evidence_id>/vervangen/", views.evidence_replace, name="replace"),
    path("bewijs/<int:evidence_id>/intrekken/", views.evidence_withdraw, name="withdraw"),
]
