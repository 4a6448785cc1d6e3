from typing import Any

from django.db import migrations

from waypost.search import fulltext


def forwards(apps: Any, schema_editor: Any) -> None:
    fulltext.install(schema_editor.connection)


def backwards(apps: Any, schema_editor: Any) -> None:
    fulltext.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0003_search_indexes"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
