from django.db import models


class DataChange(models.Model):
    """One write to the data readers see. The data version is read from these rows (see
    services.py); older rows are pruned as new ones come."""

    at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"change {self.pk} at {self.at:%Y-%m-%d %H:%M:%S}"
