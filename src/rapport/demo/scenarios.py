"""What demo tickets are about: the contact reasons, and the details each ticket gets.

A scenario names the team that handles it, its why-tags, the value of the ``reason``
custom field and the files a customer tends to send. The per-ticket context (order
number, product, dates, amounts...) fills the language templates in ``fixtures/stories``.
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from rapport.demo.roster import AgentSpec, CustomerSpec, Roster
from rapport.demo.texts import Catalog, fill

BILLING, DELIVERIES, TECHNICAL = "Billing", "Deliveries", "Technical support"
REASONS = ["delivery", "damaged", "exchange", "refund", "billing", "account", "warranty", "other"]
# Product lists are aligned across languages: the same index is the same product.
SHOE_INDEX = 2
CLOTHING_SIZES = ("XS", "S", "M", "L", "XL", "XXL")
SHOE_SIZES = ("38", "39", "40", "41", "42", "43", "44", "45")


@dataclass(frozen=True)
class Scenario:
    team: str
    tags: tuple[str, ...]
    reason: str
    weight: int
    products: str = "any"
    files: tuple[str, ...] = ()
    agent_files: tuple[str, ...] = ()
    urgent: bool = False
    about_delivery: bool = False


SCENARIOS: dict[str, Scenario] = {
    "late_delivery": Scenario(DELIVERIES, ("late-carrier",), "delivery", 15, about_delivery=True),
    "warehouse_delay": Scenario(DELIVERIES, ("warehouse-delay",), "delivery", 8,
                                about_delivery=True),
    "damaged_parcel": Scenario(DELIVERIES, ("damaged-parcel",), "damaged", 9,
                               files=("parcel_photo",), urgent=True, about_delivery=True),
    "wrong_size": Scenario(DELIVERIES, ("wrong-size", "exchange"), "exchange", 8,
                           products="clothing"),
    "missing_item": Scenario(DELIVERIES, ("missing-item",), "delivery", 5, about_delivery=True),
    "address_change": Scenario(DELIVERIES, ("address-change",), "delivery", 5,
                               about_delivery=True),
    "refund_status": Scenario(BILLING, ("refund",), "refund", 9),
    "double_charge": Scenario(BILLING, ("billing-double-charge",), "billing", 6,
                              files=("statement",), urgent=True),
    "promo_code": Scenario(BILLING, ("promo-code",), "billing", 5),
    "invoice_request": Scenario(BILLING, ("invoice-request",), "billing", 4,
                                agent_files=("invoice",)),
    "login_problem": Scenario(TECHNICAL, ("login-problem",), "account", 7),
    "checkout_error": Scenario(TECHNICAL, ("checkout-error",), "other", 6,
                               files=("screenshot", "log"), urgent=True),
    "warranty": Scenario(TECHNICAL, ("warranty-claim",), "warranty", 6, products="devices",
                         files=("device_photo",)),
}

TAG_DESCRIPTIONS = {
    "late-carrier": "The carrier delivered later than promised",
    "warehouse-delay": "The order left our warehouse late",
    "damaged-parcel": "Parcel or item damaged in transit",
    "wrong-size": "Item did not fit; customer wants another size",
    "exchange": "Exchange of an item for another",
    "missing-item": "An item was missing from a delivered order",
    "address-change": "Customer changed the delivery address",
    "refund": "Question about a refund",
    "billing-double-charge": "Customer was charged twice",
    "promo-code": "A promotional code did not apply",
    "invoice-request": "Customer needs an invoice or company documents",
    "login-problem": "Customer cannot sign in",
    "checkout-error": "Payment or checkout failed with an error",
    "warranty-claim": "Device fault under warranty",
    "repeat-contact": "Customer had to chase us for an answer",
}


def _digits(rng: random.Random, count: int) -> str:
    return "".join(str(rng.randint(0, 9)) for _ in range(count))


def _product(rng: random.Random, cat: Catalog, kind: str) -> tuple[int, str]:
    kinds = ("clothing", "devices", "home") if kind == "any" else (kind,)
    chosen = rng.choice(kinds)
    items = cat.data["products"][chosen]
    index = rng.randrange(len(items))
    return (index if chosen == "clothing" else -1), items[index]


def _sizes(rng: random.Random, clothing_index: int) -> tuple[str, str]:
    sizes = SHOE_SIZES if clothing_index == SHOE_INDEX else CLOTHING_SIZES
    at = rng.randrange(len(sizes) - 1)
    return sizes[at], sizes[at + 1]


def build_context(
    rng: random.Random, cat: Catalog, roster: Roster, *, scenario: Scenario,
    customer: CustomerSpec, agent: AgentSpec, created: datetime,
) -> dict[str, str]:
    """Every placeholder's value for one ticket, plus a few raw values for files/fields."""
    ordered = created - timedelta(days=rng.randint(5, 14))
    expected = ordered + timedelta(days=rng.randint(3, 4))
    promised = created + timedelta(days=rng.randint(2, 5))
    amount = rng.randrange(1490, 39900, 100)
    clothing_index, product = _product(rng, cat, scenario.products)
    size, new_size = _sizes(rng, clothing_index)
    ctx = {
        "first": customer.name.split(" ")[0], "name": customer.name,
        "agent": agent.signature_name(cat.language),
        "order": f"NP-{rng.randint(100000, 999999)}", "product": product,
        "date": cat.date(ordered.date()), "expected": cat.date(expected.date()),
        "new_date": cat.date(promised.date()), "amount": cat.money(amount),
        "credit": cat.money(rng.choice((500, 1000, 1500))),
        "carrier": rng.choice(roster.carriers), "hub": rng.choice(cat.data["hubs"]),
        "tracking": "NW" + _digits(rng, 10), "tracking2": "NW" + _digits(rng, 10),
        "ref": _digits(rng, 8), "code": rng.choice(roster.promo_codes),
        "size": size, "new_size": new_size, "last4": _digits(rng, 4),
        "error": rng.choice(roster.error_codes),
        "company": customer.company or rng.choice(cat.data["invoice_companies"]),
        "amount_plain": f"{amount // 100}.{amount % 100:02d}",
        "amount_minor": str(amount), "expected_iso": expected.date().isoformat(),
    }
    ctx["summary"] = fill(cat.scenario(_key_of(scenario))["summary"], ctx, agent.gender)
    return ctx


def _key_of(scenario: Scenario) -> str:
    return next(key for key, value in SCENARIOS.items() if value is scenario)


def custom_field_values(scenario: Scenario, ctx: dict[str, str]) -> dict[str, object]:
    values: dict[str, object] = {
        "order_number": ctx["order"],
        "order_value": int(ctx["amount_minor"]) / 100,
        "reason": scenario.reason,
    }
    if scenario.about_delivery:
        values["delivery_date"] = ctx["expected_iso"]
    return values
