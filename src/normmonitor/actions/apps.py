from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "normmonitor.actions"
    label = "actions"
