from django.apps import AppConfig


class NormsConfig(AppConfig):
    name = "normmonitor.norms"
    label = "norms"
