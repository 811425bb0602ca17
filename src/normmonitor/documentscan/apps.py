from django.apps import AppConfig


class DocumentscanConfig(AppConfig):
    name = "normmonitor.documentscan"
    label = "documentscan"
