from django.apps import AppConfig


class DataVersionConfig(AppConfig):
    name = "waypost.dataversion"
    verbose_name = "Data version"

    def ready(self) -> None:
        from waypost.dataversion.services import follow_model_writes

        follow_model_writes()
