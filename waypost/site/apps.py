from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "waypost.site"
    label = "site"
