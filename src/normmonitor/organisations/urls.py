from django.urls import path

from . import views

app_name = "organisations"
urlpatterns = [
    path("organisaties/", views.organisation_list, name="list"),
    path("organisaties/<slug:code>/", views.organisation_detail, name="detail"),
]
