from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "normmonitor.assessments"
    label = "assessments"
