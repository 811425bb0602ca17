from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "normmonitor.demo"
    label = "demo"
