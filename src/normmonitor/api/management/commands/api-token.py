"""``normmonitor api-token``: create, list and revoke API tokens (as the system operator).

The token is printed once, on the last line, and is not stored: only its SHA-256 hash is."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from normmonitor.api import services
from normmonitor.api.models import ApiToken
from normmonitor.core.exceptions import ServiceError


class Command(BaseCommand):
    help = "Create, list and revoke API tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a token and print it (once).")
        create.add_argument("--user", required=True, help="Username.")
        create.add_argument("--name", required=True, help="What the token is for.")
        create.add_argument("--days", type=int, help="Valid for this many days (default: always).")
        listing = sub.add_parser("list", help="List tokens (never the tokens themselves).")
        listing.add_argument("--user", help="Only this user's tokens.")
        revoke = sub.add_parser("revoke", help="Revoke a token by its id.")
        revoke.add_argument("id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except ServiceError as error:
            raise CommandError(str(error)) from error

    def _user(self, username: str) -> Any:
        try:
            return get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist as missing:
            raise CommandError(f"No user {username}") from missing

    def _create(self, options: dict[str, Any]) -> None:
        user = self._user(options["user"])
        days = options.get("days")
        token, raw = services.token_create(
            actor=None,
            user=user,
            name=options["name"],
            expires_at=timezone.now() + timedelta(days=days) if days else None,
        )
        self.stderr.write(f"Token {token.pk} for {user.get_username()} ({token.name}):")
        self.stdout.write(raw)

    def _list(self, options: dict[str, Any]) -> None:
        tokens = ApiToken.objects.select_related("user").order_by("user__username", "-created_at")
        if options.get("user"):
            tokens = tokens.filter(user=self._user(options["user"]))
        for token in tokens:
            state = "active" if token.is_active else ("revoked" if token.revoked_at else "expired")
            self.stdout.write(
                f"{token.pk}\t{token.user.get_username()}\t{token.prefix}…\t{token.name}\t{state}"
                f"\tlast used {token.last_used_at or '-'}"
            )

    def _revoke(self, options: dict[str, Any]) -> None:
        token = ApiToken.objects.filter(pk=options["id"]).first()
        if token is None:
            raise CommandError(f"No token {options['id']}")
        services.token_revoke(actor=None, token=token)
        self.stdout.write(f"Revoked token {token.pk} ({token.prefix}…)")
