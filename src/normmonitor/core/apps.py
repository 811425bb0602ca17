from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "normmonitor.core"
    label = "core"
