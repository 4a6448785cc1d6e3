from typing import Any

from django.db import migrations

# Frozen here: a migration must not change when the rule in directory/confidential.py does.
GRID_DECIMALS = 1


def snap(apps: Any, schema_editor: Any) -> None:
    """Confidential locations stored before the rule keep no exact point either."""
    Location = apps.get_model("directory", "Location")
    for location in Location.objects.filter(area_only=True):
        point = (round(location.latitude, GRID_DECIMALS), round(location.longitude, GRID_DECIMALS))
        if (location.latitude, location.longitude) != point:
            location.latitude, location.longitude = point
            location.save(update_fields=["latitude", "longitude"])


class Migration(migrations.Migration):
    dependencies = [("directory", "0005_types_optional_in_forms")]

    operations = [migrations.RunPython(snap, migrations.RunPython.noop)]
