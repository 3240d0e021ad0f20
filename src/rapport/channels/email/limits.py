"""How much of a message the parser is willing to read, and the one error it raises."""

from dataclasses import dataclass

from rapport.core.errors import DomainError


@dataclass(frozen=True)
class ParseLimits:
    max_bytes: int = 25 * 2**20  # the whole raw message; beyond it MessageTooLarge
    max_depth: int = 20  # MIME nesting; deeper parts stay one opaque attachment
    max_parts: int = 500  # MIME parts; the rest of the message is not parsed
    max_header_chars: int = 16_384  # one header value; longer ones are truncated
    max_mime_header_chars: int = 4_096  # Content-Type, -Disposition, -Transfer-Encoding
    max_headers: int = 1_000  # headers read from one header block
    max_addresses: int = 1_000  # per address header
    max_references: int = 100  # message ids kept from References


DEFAULT_LIMITS = ParseLimits()


class MessageTooLarge(DomainError):
    code = "message_too_large"
    status = 413

    def __init__(self, size: int, limit: int):
        super().__init__(
            f"The message is {size} bytes; the limit is {limit} bytes.",
            details={"size": size, "limit": limit},
        )
        self.size = size
        self.limit = limit
