from django.apps import AppConfig


class GuidesConfig(AppConfig):
    name = "waypost.guides"
    label = "guides"
