from django.apps import AppConfig


class ReliefConfig(AppConfig):
    name = "waypost.relief"
    label = "relief"
    verbose_name = "Record-relief checker"
