"""Helpers for portal tests: filled-in forms, sign-in through a real link, a tiny PNG."""

import re
import time

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from rapport.portal.forms import form_token
from rapport.portal.services import issue_access_link

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
LINK_RE = re.compile(r"https?://\S+?/portal/access/[\w-]+/")


def aged_token(seconds: float = 10) -> str:
    """A form token as if the form had been shown `seconds` ago."""
    return form_token(time.time() - seconds)


def contact_data(**overrides):
    data = {
        "name": "Marta Jovanović",
        "email": "marta@example.test",
        "subject": "Parcel arrived damaged",
        "message": "The box was crushed and the cup inside is broken.",
        "website": "",
        "started": aged_token(),
    }
    data.update(overrides)
    return data


def png_upload(name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def link_path(url: str) -> str:
    assert url.startswith(settings.SITE_URL)
    return url[len(settings.SITE_URL):]


def links_in(text: str) -> list[str]:
    return [link_path(url) for url in LINK_RE.findall(text)]


def sign_in_as(client, customer, ticket=None):
    path = link_path(issue_access_link(customer, ticket=ticket))
    response = client.post(path)
    assert response.status_code == 302
    return response


def in_russian(text: str) -> str:
    """The Russian catalogue's text for an English msgid (the fixture customer reads ru)."""
    from django.utils import translation

    with translation.override("ru"):
        translated = translation.gettext(text)
    assert translated != text, f"no Russian translation for {text!r}"
    return translated
