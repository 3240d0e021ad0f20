"""Validating custom field values against the admin-defined definitions."""

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from rapport.core.errors import InvalidInput
from rapport.tickets.models import CustomField, CustomFieldType


def _coerce(field: CustomField, value: Any) -> Any:
    if value in (None, ""):
        return None
    if field.field_type == CustomFieldType.TEXT:
        return str(value)[:1000]
    if field.field_type == CustomFieldType.NUMBER:
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise ValueError(_("must be a number")) from None
        if not number.is_finite():
            raise ValueError(_("must be a number"))
        return int(number) if number == number.to_integral_value() else float(number)
    if field.field_type == CustomFieldType.CHOICE:
        if str(value) not in field.choices:
            choices = ", ".join(field.choices)
            raise ValueError(_("must be one of: %(choices)s") % {"choices": choices})
        return str(value)
    if field.field_type == CustomFieldType.DATE:
        try:
            return dt.date.fromisoformat(str(value)).isoformat()
        except ValueError:
            raise ValueError(_("must be a date (YYYY-MM-DD)")) from None
    raise ValueError(_("has an unknown type"))


def validate(values: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    """Return the cleaned values; raise InvalidInput naming every bad field."""
    definitions = {f.key: f for f in CustomField.objects.filter(active=True)}
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    for key, value in values.items():
        field = definitions.get(key)
        if field is None:
            errors[key] = _("is not a known field")
            continue
        try:
            cleaned[key] = _coerce(field, value)
        except ValueError as exc:
            errors[key] = str(exc)
    if not partial:
        for key, field in definitions.items():
            if field.required and cleaned.get(key) is None and key not in errors:
                errors[key] = _("is required")
    if errors:
        raise InvalidInput(_("Some fields are not valid."), code="invalid_fields", details=errors)
    return cleaned
