from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "perhekeskus.public"
    label = "public"
    verbose_name = "Public pages"
