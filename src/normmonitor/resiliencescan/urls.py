from django.urls import path

from . import views

app_name = "resiliencescan"
urlpatterns = [
    path("weerbaarheidsscan/", views.scan_list, name="list"),
    path("weerbaarheidsscan/nieuw/", views.scan_new, name="new"),
    path("weerbaarheidsscan/<int:pk>/", views.scan_fill, name="fill"),
    path("weerbaarheidsscan/<int:pk>/rapport/", views.scan_report_view, name="report"),
    path("weerbaarheidsscan/<int:pk>/acties/", views.scan_propose, name="propose"),
]
