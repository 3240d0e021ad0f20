"""One expectation of the corpus: what the customer wrote, as the parser must read it."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Case:
    file: str
    subject: str
    sender: str | None
    phrase: str  # must appear in the text exactly as written
    attachments: tuple[tuple[str, str, int], ...] = ()  # (filename, content type, size)
    defects: tuple[str, ...] = ()  # each matches its own defect; no others allowed
    name: str | None = None
