from django.apps import AppConfig


class RoundsConfig(AppConfig):
    name = "normmonitor.rounds"
    label = "rounds"
