import os
from getpass import getpass
from typing import Any

from django.contrib.auth.models import Group, User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from waypost.editors.roles import ADMIN, EDITOR, MODERATOR


class Command(BaseCommand):
    help = (
        "Create or update a staff account with a role (editor, moderator or admin). The "
        "password is read from WAYPOST_PASSWORD, or asked for."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=[EDITOR, MODERATOR, ADMIN])
        parser.add_argument("--email", default="")

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"].strip()
        if not username or len(username) > 150:
            raise CommandError("the username must have 1 to 150 characters")
        password = os.environ.get("WAYPOST_PASSWORD") or getpass("Password: ")
        group = Group.objects.filter(name=options["role"]).first()
        if group is None:
            raise CommandError("the roles do not exist yet: run `manage.py migrate` first")
        user, created = User.objects.get_or_create(username=username)
        user.is_staff = True
        user.email = options["email"]
        # The same rules as every other way to set a password (AUTH_PASSWORD_VALIDATORS).
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError("the password is refused: " + " ".join(exc.messages)) from None
        user.set_password(password)
        user.save()
        user.groups.set([group])
        self.stdout.write(f"{'created' if created else 'updated'} {username} ({options['role']})")
