from __future__ import annotations


class DataFileError(Exception):
    """A data file is wrong: says which file, record and field, and why. Nothing was written."""

    def __init__(self, file: str, record: str, field: str | None, reason: str) -> None:
        self.file = file
        self.record = record
        self.field = field
        self.reason = reason
        where = f"{record}, field '{field}'" if field else record
        super().__init__(f"{file}: {where}: {reason}")
