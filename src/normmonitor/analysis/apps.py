from django.apps import AppConfig


class AnalysisConfig(AppConfig):
    name = "normmonitor.analysis"
    label = "analysis"
