from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "normmonitor.reports"
    label = "reports"
