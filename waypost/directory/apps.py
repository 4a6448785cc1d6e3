from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "waypost.directory"
    label = "directory"
