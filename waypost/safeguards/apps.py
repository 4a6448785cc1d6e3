from django.apps import AppConfig


class SafeguardsConfig(AppConfig):
    name = "waypost.safeguards"
    label = "safeguards"
