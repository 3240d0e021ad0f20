"""Agent account verbs that the agent performs on their own account."""

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from rapport.accounts.models import User
from rapport.core.errors import InvalidInput

_LANGUAGES = {code for code, _name in settings.LANGUAGES}


@transaction.atomic
def set_ui_language(user: User, language: str) -> User:
    """Store the interface language; an empty value means "follow the browser"."""
    if language and language not in _LANGUAGES:
        raise InvalidInput(
            _("This language is not available."), code="invalid_language",
            details={"language": language},
        )
    if user.ui_language != language:
        user.ui_language = language
        user.save(update_fields=["ui_language"])
    return user
