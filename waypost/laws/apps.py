from django.apps import AppConfig


class LawsConfig(AppConfig):
    name = "waypost.laws"
    label = "laws"
