from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("konto/overzicht/", views.overview, name="overview"),
    path("konto/2fa-verplicht/", views.mfa_required, name="mfa_required"),
    path("konto/overal-uitloggen/", views.logout_everywhere, name="logout_everywhere"),
]
