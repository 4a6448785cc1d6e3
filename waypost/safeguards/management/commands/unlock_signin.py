from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from waypost.safeguards.lockout import unlock


class Command(BaseCommand):
    help = "Clear the sign-in locks of one account (for every client), or all of them (--all)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", nargs="?", help="the account name, as typed to sign in")
        parser.add_argument("--all", action="store_true", help="every account and client")

    def handle(self, *args: Any, **options: Any) -> None:
        username, everything = options["username"], options["all"]
        if bool(username) == everything:
            raise CommandError("name one account, or give --all (not both)")
        if username is not None and not username.strip():
            raise CommandError("the account name is empty")
        cleared = unlock(None if everything else username)
        self.stdout.write(f"cleared {cleared} sign-in count(s)")
