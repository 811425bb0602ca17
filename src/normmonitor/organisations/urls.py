from django.urls import path

from . import views

app_name = "organisations"
urlpatterns = [
    path("organisaties/<slug:code>/", views.organisation_detail, name="detail"),
]
