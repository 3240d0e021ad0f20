"""Authentication backend: Django's, plus the rule that demo accounts need demo mode."""

from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend


class RapportBackend(ModelBackend):
    def user_can_authenticate(self, user: Any) -> bool:
        # Demo accounts have a published password: outside demo mode they are dead, and
        # get_user() uses this check too, so their existing sessions end as well.
        if getattr(user, "is_demo", False) and not settings.DEMO_MODE:
            return False
        return super().user_can_authenticate(user)
