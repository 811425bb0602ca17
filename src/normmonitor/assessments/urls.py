from django.urls import path

from . import views

app_name = "assessments"
urlpatterns = [
    path("rondes/<slug:key>/<slug:organisation>/", views.assessment_detail, name="detail"),
    path("rondes/<slug:key>/<slug:organisation>/invullen/", views.assessment_fill, name="fill"),
    path(
        "rondes/<slug:key>/<slug:organisation>/indienen/",
        views.assessment_submit,
        name="submit",
    ),
    path(
        "rondes/<slug:key>/<slug:organisation>/beoordelen/",
        views.assessment_review,
        name="review",
    ),
    path(
        "rondes/<slug:key>/<slug:organisation>/beoordeling-afronden/",
        views.assessment_finish_review,
        name="finish_review",
    ),
    path(
        "rondes/<slug:key>/<slug:organisation>/terugsturen/",
        views.assessment_return,
        name="return",
    ),
    path(
        "rondes/<slug:key>/<slug:organisation>/items/<int:answer_id>/",
        views.answer_save,
        name="answer",
    ),
    path(
        "rondes/<slug:key>/<slug:organisation>/items/<int:answer_id>/beoordeling/",
        views.answer_review,
        name="review_item",
    ),
    path(
        "rondes/<slug:key>/<slug:organisation>/items/<int:answer_id>/afwijking/",
        views.answer_deviation,
        name="deviation",
    ),
    path(
        "rondes/<slug:key>/<slug:organisation>/items/<int:answer_id>/afwijking/besluit/",
        views.answer_deviation_decide,
        name="deviation_decide",
    ),
    path(
        "rondes/<slug:key>/<slug:organisation>/items/<int:answer_id>/reacties/",
        views.answer_comments,
        name="comments",
    ),
]
