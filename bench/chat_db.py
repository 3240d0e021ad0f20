"""The chat benchmark's database side, run as a subprocess with the servers' environment:

    python bench/chat_db.py setup   IN.json   # team, agents, chat site, agent sessions
    python bench/chat_db.py tickets IN.json   # opening client_id -> ticket id
    python bench/chat_db.py verify  IN.json   # every acked message stored exactly once?

Reads its input from IN.json and prints its answer as one JSON line on stdout. The load
generator itself never imports Django: a shard of 500 websockets should not carry it.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

CHUNK = 2_000  # ids per IN (...) query: far below SQLite's bound-variable limit


def setup(params: dict[str, Any]) -> dict[str, Any]:
    from rapport.accounts.models import Membership, Role, Team, User
    from rapport.channels.chat.models import ChatSite

    team = Team.objects.create(name="Bench chat")
    agents = []
    for number in range(1, params["agents"] + 1):
        user = User.objects.create_user(
            username=f"bench-agent-{number}",
            first_name=f"Agent {number}",
            role=Role.AGENT,
            languages=["en"],
        )
        Membership.objects.create(user=user, team=team)
        agents.append({"id": user.pk, "cookie": _session_cookie(user)})
    site = ChatSite.objects.create(name="Bench shop", allowed_origins=[params["origin"]], team=team)
    return {"site_key": site.key, "agents": agents}


def _session_cookie(user: Any) -> str:
    """A signed-in session without the password hasher (argon2 costs ~50 ms a login)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _chunks(items: list[str]) -> list[list[str]]:
    return [items[i : i + CHUNK] for i in range(0, len(items), CHUNK)]


def tickets(params: dict[str, Any]) -> dict[str, Any]:
    from rapport.channels.chat.models import ChatClientMessage

    found: dict[str, int] = {}
    for chunk in _chunks(params["client_ids"]):
        rows = ChatClientMessage.objects.filter(client_id__in=chunk).values_list(
            "client_id", "message__ticket_id"
        )
        found.update(rows)
    return {"tickets": found}


def verify(params: dict[str, Any]) -> dict[str, Any]:
    """Acked messages: each stored once, with the seq the ack gave. Agent replies: stored."""
    from rapport.channels.chat.models import ChatClientMessage
    from rapport.tickets.models import Message

    acked: dict[str, int] = params["acked"]
    stored: Counter[str] = Counter()
    seqs: dict[str, int] = {}
    for chunk in _chunks(list(acked) + params["unacked"]):
        for client_id, seq in ChatClientMessage.objects.filter(client_id__in=chunk).values_list(
            "client_id", "message__seq"
        ):
            stored[client_id] += 1
            seqs[client_id] = seq
    lost = [c for c in acked if stored[c] == 0]
    replies: Counter[str] = Counter()
    for chunk in _chunks(params["replies"]):
        replies.update(
            Message.objects.filter(body_text__in=chunk).values_list("body_text", flat=True)
        )
    return {
        "acked": len(acked),
        "lost": len(lost),
        "lost_examples": lost[:5],
        "duplicates": sum(1 for c in acked if stored[c] > 1),
        "seq_mismatch": sum(1 for c, seq in acked.items() if stored[c] and seqs[c] != seq),
        "unacked_stored": sum(1 for c in params["unacked"] if stored[c]),
        "replies_sent": len(params["replies"]),
        "replies_stored": sum(1 for r in params["replies"] if replies[r] == 1),
    }


COMMANDS = {"setup": setup, "tickets": tickets, "verify": verify}


def main(argv: list[str]) -> int:
    command, path = argv
    import django

    django.setup()
    answer = COMMANDS[command](json.loads(Path(path).read_text()))
    print(json.dumps(answer))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
