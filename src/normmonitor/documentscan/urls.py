from django.urls import path

from . import views

app_name = "documentscan"
urlpatterns = [
    path("documenten/", views.document_list, name="list"),
    path("documenten/<int:pk>/", views.document_detail, name="detail"),
    path("documenten/<int:pk>/bestand/", views.document_download, name="download"),
    path("documenten/<int:pk>/overnemen/", views.findings_adopt, name="adopt"),
    path("documenten/nieuw/<slug:organisation>/", views.document_upload, name="upload"),
    path("documenten/regio/<slug:key>/", views.region_matrix, name="matrix"),
    path("documenten/regio/<slug:key>/delen/", views.region_sharing, name="sharing"),
    path("documenten/regio/<slug:key>/vergelijken/", views.region_compare, name="compare"),
]
