"""Demo canned replies: shared replies in folders for the usual cases, in en, ru,
zh-hans and sr (Cyrillic). `install_demo_replies()` is idempotent: replies are found by
their shortcut and folders by their name, and what exists is left as it is."""

from __future__ import annotations

from rapport.replies.demo_texts import REPLIES
from rapport.replies.services import ReplyDraft, install_shared_folder, install_shared_reply

FOLDERS = {
    "orders": ("Orders and delivery", 10),
    "returns": ("Returns and refunds", 20),
    "warranty": ("Warranty and repairs", 30),
    "greetings": ("Greetings and closings", 40),
}


def install_demo_replies() -> int:
    """Make sure every demo reply exists; returns how many demo replies there are."""
    folders = {key: install_shared_folder(name, position)
               for key, (name, position) in FOLDERS.items()}
    for reply in REPLIES:
        install_shared_reply(ReplyDraft(
            title=reply["title"], shortcut=reply["shortcut"], folder=folders[reply["folder"]],
            shared=True, default_language="en", texts=reply["texts"],
        ))
    return len(REPLIES)
