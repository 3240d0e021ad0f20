"""Manage personal API tokens from the command line.

    rapport_token createtoken anna --name "CRM sync" --scopes tickets:read,tickets:write
    rapport_token listtokens [anna]
    rapport_token revoketoken <prefix>

The token is printed once by createtoken; only its hash is stored.
"""

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from rapport.accounts.models import User
from rapport.api.models import ApiToken, Scope
from rapport.api.services import create_token, revoke_token
from rapport.core.errors import DomainError


class Command(BaseCommand):
    help = "Create, list or revoke personal API tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        # One flat parser (not subparsers) so Django's global options work anywhere.
        parser.add_argument("action", choices=["createtoken", "listtokens", "revoketoken"])
        parser.add_argument("target", nargs="?", help="username, or a token prefix to revoke")
        parser.add_argument("--name", help="createtoken: what the token is for")
        parser.add_argument(
            "--scopes", default=",".join(Scope.values),
            help=f"createtoken: comma-separated; default all: {','.join(Scope.values)}",
        )
        parser.add_argument("--expires-days", type=int, default=None)

    def handle(self, *args: Any, action: str, target: str | None, **options: Any) -> None:
        if target is None and action != "listtokens":
            what = "username" if action == "createtoken" else "token prefix"
            raise CommandError(f"{action} needs a {what}.")
        try:
            getattr(self, f"_{action}")(target, **options)
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc

    def _createtoken(self, username: str, *, name: str | None, scopes: str,
                     expires_days: int | None, **_: Any) -> None:
        if not name:
            raise CommandError("createtoken needs --name.")
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        expires_at = None
        if expires_days is not None:
            expires_at = timezone.now() + timedelta(days=expires_days)
        token, plaintext = create_token(user, name, scopes.split(","), expires_at)
        self.stdout.write(plaintext)
        self.stderr.write(
            f"Token {token.prefix} for {user.username} with {', '.join(token.scopes)}. "
            "Store it now: it will not be shown again."
        )

    def _listtokens(self, username: str | None, **_: Any) -> None:
        tokens = ApiToken.objects.select_related("user").order_by("user__username", "created_at")
        if username:
            tokens = tokens.filter(user__username=username)
        for t in tokens:
            state = "revoked" if t.revoked_at else "active"
            self.stdout.write(
                f"{t.prefix}\t{t.user.username}\t{t.name}\t{','.join(t.scopes)}\t{state}\t"
                f"last used {t.last_used_at or 'never'}"
            )

    def _revoketoken(self, prefix: str, **_: Any) -> None:
        token = ApiToken.objects.filter(prefix=prefix).first()
        if token is None:
            raise CommandError(f"No token with prefix {prefix!r}.")
        revoke_token(token, actor=None)
        self.stdout.write(f"Revoked {token.prefix} ({token.name}).")
