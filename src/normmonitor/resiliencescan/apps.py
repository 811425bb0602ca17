from django.apps import AppConfig


class ResiliencescanConfig(AppConfig):
    name = "normmonitor.resiliencescan"
    label = "resiliencescan"
