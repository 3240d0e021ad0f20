"""Turning a refused verb into the page's error message, for the agent UI's POST views."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages

from rapport.core.errors import DomainError


def attempt(request: Any, verb: Callable[[], object]) -> bool:
    """Run one verb; a refusal (DomainError) becomes an error message. True when done."""
    try:
        verb()
    except DomainError as exc:
        messages.error(request, exc.message)
        return False
    return True


def report_form_errors(request: Any, form: Any) -> None:
    """A refused form on a page without room for it: its errors as one message."""
    messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
