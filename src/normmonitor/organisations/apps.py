from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "normmonitor.organisations"
    label = "organisations"
