from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "waypost.reports"
    label = "reports"
    verbose_name = "Problem reports"
