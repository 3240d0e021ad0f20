"""Wording for customers: agents' workflow states mean little outside the help desk."""

from django import template
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from rapport.tickets.models import Status

register = template.Library()

_CUSTOMER_STATUS: dict[str, Promise] = {
    Status.NEW: _("Received"),
    Status.OPEN: _("In progress"),
    Status.ON_HOLD: _("In progress"),
    Status.PENDING: _("Waiting for your reply"),
    Status.SOLVED: _("Solved"),
    Status.CLOSED: _("Closed"),
}


@register.filter
def customer_status(status: str) -> str:
    return str(_CUSTOMER_STATUS.get(status, status))
