from django.apps import AppConfig


class InitiativesConfig(AppConfig):
    name = "normmonitor.initiatives"
    label = "initiatives"
