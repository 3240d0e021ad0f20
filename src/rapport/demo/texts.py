"""The demo's conversation templates, one TOML catalogue per language.

Templates use these placeholders, filled per ticket by ``rapport.demo.plans``:
first, name (the customer), agent (the replying agent's first name), order, product,
date (order date), expected (promised delivery), new_date (a date promised now),
amount, credit (a goodwill amount), carrier, hub, tracking, tracking2, ref, code,
size, new_size, last4, error, company.

Russian and Serbian verbs agree with the writer's gender: templates write both forms as
``[masculine|feminine]`` and ``fill`` keeps the one that fits whoever writes.
"""

import random
import re
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from rapport.demo.roster import FIXTURES, LANGUAGES

PLACEHOLDERS = frozenset({
    "first", "name", "agent", "order", "product", "date", "expected", "new_date", "amount",
    "credit", "carrier", "hub", "tracking", "tracking2", "ref", "code", "size", "new_size",
    "last4", "error", "company", "summary",
})
SCENARIO_PARTS = ("subjects", "openings", "replies", "followups", "resolutions", "notes")
_GENDERED = re.compile(r"\[([^\[\]|]*)\|([^\[\]|]*)\]")


@dataclass(frozen=True)
class Catalog:
    language: str
    data: dict[str, Any]

    def date(self, day: date) -> str:
        month = self.data["months"][day.month - 1]
        return self.data["date_format"].format(day=day.day, month=month)

    def money(self, minor_units: int) -> str:
        amount = f"{minor_units // 100}{self.data['decimal_separator']}{minor_units % 100:02d}"
        return self.data["money_format"].format(amount=amount)

    def choice(self, rng: random.Random, *path: str) -> str:
        node: Any = self.data
        for key in path:
            node = node[key]
        return rng.choice(node)

    def scenario(self, key: str) -> dict[str, Any]:
        return self.data["scenarios"][key]


@cache
def catalog(language: str) -> Catalog:
    if language not in LANGUAGES:
        raise ValueError(f"no demo catalogue for {language!r}")
    with (FIXTURES / "stories" / f"{language}.toml").open("rb") as fh:
        return Catalog(language=language, data=tomllib.load(fh))


def fill(template: str, ctx: dict[str, str], gender: str = "m") -> str:
    """The template in the writer's gender with its placeholders replaced.

    An unknown placeholder raises KeyError, so a typo in a catalogue fails loudly.
    """
    agreed = _GENDERED.sub(lambda m: m.group(2 if gender == "f" else 1), template)
    return agreed.format_map(ctx)


def customer_message(cat: Catalog, rng: random.Random, body: str, ctx: dict[str, str], *,
                     gender: str, chat: bool = False) -> str:
    """A customer's message: chat is terse, email and forms have a greeting and sign-off."""
    text = fill(body, ctx, gender)
    if chat:
        return text
    greeting = cat.choice(rng, "customer", "greetings")
    signoff = fill(cat.choice(rng, "customer", "signoffs"), ctx, gender)
    return f"{greeting}\n\n{text}\n\n{signoff}"


def agent_message(cat: Catalog, rng: random.Random, body: str, ctx: dict[str, str], *,
                  gender: str, addressee: str, chat: bool = False, closing: bool = False) -> str:
    """An agent's reply; the greeting agrees with the customer, the rest with the agent."""
    text = fill(body, ctx, gender)
    if closing:
        text += "\n\n" + fill(cat.choice(rng, "agent", "closings"), ctx, gender)
    if chat:
        return text
    greeting = fill(cat.choice(rng, "agent", "greetings"), ctx, addressee)
    signoff = fill(cat.choice(rng, "agent", "signoffs"), ctx, gender)
    return f"{greeting}\n\n{text}\n\n{signoff}"
