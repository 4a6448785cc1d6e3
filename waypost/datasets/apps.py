from django.apps import AppConfig


class DatasetsConfig(AppConfig):
    name = "waypost.datasets"
    label = "datasets"
