from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "normmonitor.audit"
    label = "audit"
