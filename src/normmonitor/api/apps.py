from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "normmonitor.api"
    label = "api"
