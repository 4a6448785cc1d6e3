from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from waypost.comments.services import erase_old_emails
from waypost.reports.services import erase_old_contacts


class Command(BaseCommand):
    help = (
        "Erase the e-mail addresses left with comments, and the contacts left with problem "
        "reports, once they are older than the retention period after moderation (run daily)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=settings.CONTACT_RETENTION_DAYS,
            help="days kept after moderation or closing (default: CONTACT_RETENTION_DAYS)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"]
        if days < 0:
            raise CommandError("--days must be 0 or more")
        emails = erase_old_emails(days=days)
        contacts = erase_old_contacts(days=days)
        self.stdout.write(f"erased {emails} comment e-mail addresses, {contacts} report contacts")
