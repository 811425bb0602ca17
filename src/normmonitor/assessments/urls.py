from django.urls import path

from . import views

app_name = "assessments"
urlpatterns = [
    path("rondes/<slug:key>/<slug:organisation>/", views.assessment_detail, name="detail"),
    path("rondes/<slug:key>/<slug:organisation>/invullen/", views.assessment_fill, name="fill"),
    path(
        "rondes/<slug:key>/<slug:organisation>/items/<int:answer_id>/",
        views.answer_save,
        name="answer",
    ),
]
