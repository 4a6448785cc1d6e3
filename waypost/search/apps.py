from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "waypost.search"
    label = "search"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from waypost.search import fulltext, points

        connection_created.connect(fulltext.add_sqlite_math, dispatch_uid="search-sqlite-math")
        # A later migration that rebuilds the service table on SQLite drops its triggers:
        # put them back (and re-index) after every migrate; the search table's triggers too.
        post_migrate.connect(fulltext.after_migrate, sender=self, dispatch_uid="search-fts")
        post_migrate.connect(points.after_migrate, sender=self, dispatch_uid="search-points")
