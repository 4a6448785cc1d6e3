from typing import Any

from django.db import migrations, models


def forget_salted_counts(apps: Any, schema_editor: Any) -> None:
    # Counts made with the old salts (stored beside them) are of no use to the keyed ones.
    apps.get_model("safeguards", "RateCount").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("safeguards", "0001_initial")]

    operations = [
        # The salts lived in the database beside the hashes; the keys now live outside it.
        migrations.DeleteModel(name="DailySalt"),
        # Failed sign-ins kept the name as typed (sometimes a password).
        migrations.DeleteModel(name="LoginFailure"),
        migrations.AlterField(
            model_name="ratecount",
            name="client",
            field=models.CharField(help_text="Keyed hash of the client address.", max_length=64),
        ),
        migrations.RunPython(forget_salted_counts, migrations.RunPython.noop),
    ]
