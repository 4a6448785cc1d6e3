from django.apps import AppConfig


class TranslationsConfig(AppConfig):
    name = "waypost.translations"
    verbose_name = "Content translations"
