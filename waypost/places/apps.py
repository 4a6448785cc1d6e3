from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "waypost.places"
    label = "places"
