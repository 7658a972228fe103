from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "perhekeskus.demo"
    label = "demo"
    verbose_name = "Demo data"
