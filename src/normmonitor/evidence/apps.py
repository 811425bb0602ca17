from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "normmonitor.evidence"
    label = "evidence"
