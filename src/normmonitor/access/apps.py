from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "normmonitor.access"
    label = "access"
