"""The help desk's configuration the demo relies on: why-tags and custom fields.

These are settings rather than data, so loading creates the missing ones and a reset
leaves them in place.
"""

from typing import Any

from rapport.demo.scenarios import REASONS, TAG_DESCRIPTIONS
from rapport.tickets.models import CustomField, CustomFieldType, Tag

CUSTOM_FIELDS: tuple[dict[str, Any], ...] = (
    {"key": "order_number", "label": "Order number", "field_type": CustomFieldType.TEXT},
    {"key": "order_value", "label": "Order value (EUR)", "field_type": CustomFieldType.NUMBER},
    {"key": "delivery_date", "label": "Promised delivery date",
     "field_type": CustomFieldType.DATE},
    {"key": "reason", "label": "Contact reason", "field_type": CustomFieldType.CHOICE,
     "choices": REASONS},
)


def ensure_catalogue() -> dict[str, int]:
    """Create the demo's tags and custom fields that do not exist yet."""
    tags = 0
    for name, description in TAG_DESCRIPTIONS.items():
        _tag, created = Tag.objects.get_or_create(name=name, defaults={"description": description})
        tags += created
    fields = 0
    for position, spec in enumerate(CUSTOM_FIELDS):
        defaults = {k: v for k, v in spec.items() if k != "key"}
        _field, created = CustomField.objects.get_or_create(
            key=spec["key"], defaults={**defaults, "position": position}
        )
        fields += created
    return {"tags": tags, "custom_fields": fields}
