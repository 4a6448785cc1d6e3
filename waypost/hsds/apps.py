from django.apps import AppConfig


class HsdsConfig(AppConfig):
    name = "waypost.hsds"
    verbose_name = "HSDS 3.1 import, export and API"
