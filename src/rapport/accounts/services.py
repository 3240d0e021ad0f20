"""Agent account verbs that the agent performs on their own account."""

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from rapport.accounts.models import Presence, User
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


@transaction.atomic
def set_presence(user: User, presence: str) -> User:
    """Online or away: away keeps the agent's open chats but offers them no new ones."""
    if presence not in Presence.values:
        raise InvalidInput(_("Choose online or away."), code="invalid_presence")
    if user.presence != presence:
        user.presence = presence
        user.save(update_fields=["presence"])
    return user
