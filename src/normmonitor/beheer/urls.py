from django.urls import path

from . import views

app_name = "beheer"
urlpatterns = [
    path("beheer/", views.home, name="home"),
    path("beheer/normen/", views.norms, name="norms"),
    path("beheer/normen/<int:pk>/", views.norm_detail, name="norm"),
    path("beheer/organisaties/", views.organisations, name="organisations"),
    path("beheer/organisaties/nieuw/", views.organisation_new, name="organisation_new"),
    path("beheer/organisaties/<slug:code>/", views.organisation_edit, name="organisation"),
    path("beheer/regios/", views.regions, name="regions"),
    path("beheer/regios/<slug:key>/", views.region_detail, name="region"),
    path("beheer/gebruikers/", views.users, name="users"),
    path("beheer/gebruikers/nieuw/", views.user_new, name="user_new"),
    path("beheer/gebruikers/<int:pk>/", views.user_detail, name="user"),
    path("beheer/gebruikers/<int:pk>/actief/", views.user_active, name="user_active"),
    path(
        "beheer/gebruikers/<int:pk>/rollen/<int:membership_pk>/verwijderen/",
        views.membership_delete,
        name="membership_delete",
    ),
]
