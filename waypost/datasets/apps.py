from django.apps import AppConfig


class DatasetsConfig(AppConfig):
    name = "waypost.datasets"
    label = "datasets"

    def ready(self) -> None:
        from waypost.datasets import checks  # noqa: F401  (registers the start-up check)
