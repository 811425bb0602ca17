from django.urls import path

from . import views

app_name = "access"
urlpatterns = [
    path("regios/<slug:key>/zichtbaarheid/", views.region_sharing, name="region_sharing"),
]
