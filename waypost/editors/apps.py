from django.apps import AppConfig
from django.db.models.signals import post_migrate


class EditorsConfig(AppConfig):
    name = "waypost.editors"
    label = "editors"
    verbose_name = "Editors' workspace"

    def ready(self) -> None:
        from django.contrib import admin

        from waypost.editors.roles import ensure_roles
        from waypost.safeguards.forms import LockoutAdminLoginForm

        admin.site.site_header = "Waypost editors"
        admin.site.site_title = "Waypost editors"
        admin.site.index_title = "Editors' workspace"
        admin.site.login_form = LockoutAdminLoginForm
        admin.site.index_template = "editors/admin_index.html"
        # After every migrate (make run, tests, deploys) the roles exist with their rights.
        post_migrate.connect(ensure_roles, sender=self)
