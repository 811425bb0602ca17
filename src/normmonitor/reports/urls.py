from django.urls import path

from . import views

app_name = "reports"
# Fixed paths first: "installatie" and "taak" would otherwise match <round>/<organisation>.
urlpatterns = [
    path("rapporten/", views.report_index, name="index"),
    path(
        "rapporten/installatie/exporteren/",
        views.installation_export_request,
        name="installation_export",
    ),
    path("rapporten/taak/<uuid:job_id>/", views.job_page, name="job"),
    path("rapporten/taak/<uuid:job_id>/status/", views.job_status, name="job_status"),
    path("rapporten/taak/<uuid:job_id>/bestand/", views.job_download, name="job_download"),
    path("rapporten/<slug:key>/", views.region_report_page, name="region"),
    path("rapporten/<slug:key>/maken/", views.region_report_request, name="region_request"),
    path("rapporten/<slug:key>/exporteren/", views.round_export_request, name="round_export"),
    path("rapporten/<slug:key>/grafiek/<slug:chart>.svg", views.region_chart, name="region_chart"),
    path(
        "rapporten/<slug:key>/<slug:organisation>/",
        views.organisation_report_page,
        name="organisation",
    ),
    path(
        "rapporten/<slug:key>/<slug:organisation>/maken/",
        views.organisation_report_request,
        name="organisation_request",
    ),
    path(
        "rapporten/<slug:key>/<slug:organisation>/grafiek/<slug:chart>.svg",
        views.organisation_chart,
        name="organisation_chart",
    ),
    path(
        "rapporten/<slug:key>/<slug:organisation>/werkboek.xlsx",
        views.workbook_download,
        name="workbook",
    ),
    path(
        "rapporten/<slug:key>/<slug:organisation>/werkboek/",
        views.workbook_upload,
        name="workbook_upload",
    ),
    path(
        "rapporten/<slug:key>/<slug:organisation>/werkboek/<uuid:import_id>/",
        views.workbook_preview,
        name="workbook_preview",
    ),
]
