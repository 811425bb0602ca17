from django.urls import path

from . import views

app_name = "initiatives"
urlpatterns = [
    path("initiatieven/", views.initiative_list, name="list"),
    path("initiatieven/nieuw/", views.initiative_new, name="new"),
    path("initiatieven/<int:pk>/", views.initiative_detail, name="detail"),
    path("initiatieven/<int:pk>/bewerken/", views.initiative_edit, name="edit"),
]
