from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "waypost.site"
    label = "site"

    def ready(self) -> None:
        from waypost.site import checks  # noqa: F401  (registers the start-up checks)
