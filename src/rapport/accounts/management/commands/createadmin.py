"""manage.py createadmin: an administrator (role admin, staff, superuser), audited.

Values missing from the options are asked for; the password may also come from the
RAPPORT_ADMIN_PASSWORD environment variable, which keeps it out of the process list.
"""

import getpass
import os
import sys
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email
from django.db import transaction

from rapport.accounts.models import Role, User
from rapport.audit.services import record_audit

PASSWORD_ENV = "RAPPORT_ADMIN_PASSWORD"


@transaction.atomic
def create_admin(*, username: str, email: str, password: str) -> User:
    """Create the administrator after validating every value; audit who was created."""
    try:
        User.username_validator(username)
        validate_email(email)
        validate_password(password, user=User(username=username, email=email))
    except ValidationError as exc:
        raise CommandError(" ".join(exc.messages)) from exc
    if User.objects.filter(username__iexact=username).exists():
        raise CommandError(f"A user named {username!r} already exists.")
    user = User.objects.create_user(
        username=username, email=email, password=password, role=Role.ADMIN,
        is_staff=True, is_superuser=True,
    )
    record_audit("user.admin_created", actor="createadmin (command line)", target=user,
                 data={"role": Role.ADMIN})
    return user


class Command(BaseCommand):
    help = "Create a Rapport administrator. Prompts for anything not given."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username")
        parser.add_argument("--email")
        parser.add_argument(
            "--password",
            help=f"visible to other users of this machine; prefer ${PASSWORD_ENV} or the prompt",
        )
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive",
                            help="never prompt; fail if a value is missing")

    def handle(self, *args: Any, username: str | None, email: str | None,
               password: str | None, interactive: bool, **options: Any) -> None:
        interactive = interactive and sys.stdin.isatty()
        username = username or self._ask("Username", interactive)
        email = email or self._ask("Email address", interactive)
        password = password or os.environ.get(PASSWORD_ENV) or self._ask_password(interactive)
        user = create_admin(username=username.strip(), email=email.strip(), password=password)
        self.stdout.write(self.style.SUCCESS(f"Administrator {user.username!r} created."))

    def _ask(self, label: str, interactive: bool) -> str:
        if not interactive:
            raise CommandError(f"{label} is required: pass it as an option.")
        value = input(f"{label}: ").strip()
        if not value:
            raise CommandError(f"{label} is required.")
        return value

    def _ask_password(self, interactive: bool) -> str:
        if not interactive:
            raise CommandError(f"A password is required: set {PASSWORD_ENV} or use --password.")
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ.")
        return first
