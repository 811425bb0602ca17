from django.urls import path

from . import views

app_name = "actions"
urlpatterns = [
    path("acties/", views.action_list, name="list"),
    path("acties/nieuw/", views.action_new, name="new"),
    path("acties/<int:pk>/", views.action_detail, name="detail"),
    path("acties/<int:pk>/bewerken/", views.action_edit, name="edit"),
    path("acties/<int:pk>/reactie/", views.action_comment, name="comment"),
    path("knelpunten/<slug:region>/", views.bottlenecks, name="bottlenecks"),
]
