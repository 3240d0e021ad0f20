"""Validating and storing uploaded files. The declared type is never trusted."""

import hashlib
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from rapport.core.errors import InvalidInput
from rapport.tickets.models import Attachment, Message

# Images a browser may show inline; everything else is served as a download.
SAFE_INLINE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}
_MAGIC = [
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
]
_MIME_RE = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}$")
_UNSAFE_NAME_RE = re.compile(r"[\x00-\x1f\x7f/\\]+")


@dataclass(frozen=True)
class IncomingFile:
    filename: str
    content: bytes
    declared_type: str = "application/octet-stream"


def sniff_image_type(head: bytes) -> str | None:
    for magic, mime in _MAGIC:
        if head.startswith(magic):
            return mime
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def clean_filename(name: str) -> str:
    name = _UNSAFE_NAME_RE.sub("_", name).strip(" .")
    return name[:200] or "file"


def stored_content_type(declared: str, content: bytes) -> str:
    """An image type only when the bytes are that image; a valid declared type otherwise."""
    sniffed = sniff_image_type(content[:16])
    if sniffed:
        return sniffed
    declared = (declared or "").split(";")[0].strip().lower()
    if not _MIME_RE.match(declared) or declared.startswith("image/") or "html" in declared:
        return "application/octet-stream"
    return declared


def validate_files(files: list[IncomingFile]) -> None:
    if len(files) > settings.RAPPORT_MAX_ATTACHMENTS_PER_MESSAGE:
        raise InvalidInput(
            _("At most %(n)d files per message.")
            % {"n": settings.RAPPORT_MAX_ATTACHMENTS_PER_MESSAGE},
            code="too_many_files",
        )
    limit = settings.RAPPORT_MAX_ATTACHMENT_BYTES
    for f in files:
        if len(f.content) > limit:
            raise InvalidInput(
                _("%(name)s is larger than %(mb)d MB.")
                % {"name": clean_filename(f.filename), "mb": limit // 2**20},
                code="file_too_large",
                details={"filename": clean_filename(f.filename)},
            )


def store_files(message: Message, files: list[IncomingFile]) -> list[Attachment]:
    stored = []
    for f in files:
        attachment = Attachment(
            message=message,
            filename=clean_filename(f.filename),
            content_type=stored_content_type(f.declared_type, f.content),
            size=len(f.content),
            sha256=hashlib.sha256(f.content).hexdigest(),
        )
        attachment.file.save("upload", ContentFile(f.content), save=False)
        attachment.save()
        stored.append(attachment)
    return stored
