from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "normmonitor.dashboard"
    label = "dashboard"
