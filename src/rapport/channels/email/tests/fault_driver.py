"""Run as `python -m rapport.channels.email.tests.fault_driver <command> …` inside a
throwaway Rapport installation (its own data dir or database), for the fault tests
that kill real worker processes."""

from __future__ import annotations

import json
import sys


def setup_mailbox() -> None:
    from rapport.channels.email.models import Mailbox

    Mailbox.objects.get_or_create(
        address="support@example.com", defaults={"name": "Support", "acknowledge_new": False}
    )


def store(count: int, start: int) -> None:
    from rapport.channels.email.inbound.store import store_inbound
    from rapport.channels.email.models import Mailbox
    from rapport.channels.email.tests.mailmaker import make_mail

    mailbox = Mailbox.objects.get(address="support@example.com")
    for n in range(start, start + count):
        # Every third mail is a reply to the one before it, so threading is exercised too.
        reply_to = f"m{n - 1}@fault.test" if n % 3 == 2 else None
        raw = make_mail(
            message_id=f"m{n}@fault.test",
            in_reply_to=reply_to,
            sender=f"c{n // 3}@fault.test",
            body=f"mail {n}",
        )
        store_inbound(raw, source="test", mailbox=mailbox)


def counts() -> None:
    from django.db.models import Count

    from rapport.channels.email.models import InboundEmail
    from rapport.tickets.models import Message, Ticket

    by_status = dict(InboundEmail.objects.values_list("status").annotate(n=Count("id")))
    per_id = Message.objects.values("external_id").annotate(n=Count("id")).filter(n__gt=1)
    print(  # noqa: T201  (the test reads this line)
        json.dumps(
            {
                "status": by_status,
                "messages": Message.objects.filter(channel="email").count(),
                "tickets": Ticket.objects.count(),
                "duplicated_ids": per_id.count(),
            }
        )
    )


def main() -> None:
    import django

    django.setup()
    command, *args = sys.argv[1:]
    if command == "setup":
        setup_mailbox()
    elif command == "store":
        store(int(args[0]), int(args[1]))
    elif command == "counts":
        counts()
    else:
        raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    main()
