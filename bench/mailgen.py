"""Generated inbound mail for the ingest benchmark: 70% new, 30% replies, mixed
languages and charsets, some replies placed before their originals."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime

# (language, charset, transfer encoding, subject, body)
VARIANTS = [
    ("en", "us-ascii", "7bit", "Where is my parcel", "Hello, my parcel {n} has not arrived yet."),
    ("en", "utf-8", "quoted-printable", "Refund – order {n}", "I’d like a refund for order {n}."),
    ("ru", "koi8-r", "8bit", "Где моя посылка", "Здравствуйте, посылка {n} до сих пор не пришла."),
    (
        "ru",
        "windows-1251",
        "quoted-printable",
        "Возврат денег",
        "Прошу вернуть деньги за заказ {n}.",
    ),
    ("ru", "utf-8", "base64", "Не работает трекинг", "Трекинг-номер {n} не находится."),
    ("zh", "gb18030", "base64", "我的包裹在哪里", "您好，我的包裹{n}还没有到。"),
    ("zh", "big5", "base64", "退款申請", "請幫我辦理訂單{n}的退款。"),
    ("zh", "utf-8", "8bit", "快递延误", "订单{n}的快递已经延误三天了。"),
    ("sr", "utf-8", "quoted-printable", "Где је пошиљка", "Здраво, пошиљка {n} још није стигла."),
    (
        "sr",
        "iso-8859-2",
        "quoted-printable",
        "Povraćaj novca",
        "Molim povraćaj novca za porudžbinu {n}, hvala.",
    ),
]
REPLY_BODIES = {
    "en": "Any news on this? (reply {n})",
    "ru": "Есть новости? (ответ {n})",
    "zh": "有消息吗？（回复{n}）",
    "sr": "Ima li vesti? (odgovor {n})",
}
REPLY_CHARSET = {"en": "utf-8", "ru": "koi8-r", "zh": "gb18030", "sr": "utf-8"}


@dataclass(frozen=True)
class GeneratedMail:
    raw: bytes
    message_id: str
    original_id: str | None  # for a reply: the mail it answers


def _build(
    *,
    sender: str,
    to: str,
    subject: str,
    body: str,
    charset: str,
    cte: str,
    message_id: str,
    when: datetime,
    in_reply_to: str | None = None,
) -> bytes:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = to
    mail["Subject"] = subject
    mail["Date"] = format_datetime(when)
    mail["Message-ID"] = f"<{message_id}>"
    if in_reply_to:
        mail["In-Reply-To"] = f"<{in_reply_to}>"
        mail["References"] = f"<{in_reply_to}>"
    mail.set_content(body, charset=charset, cte=cte)
    return mail.as_bytes()


def generate(
    count: int, *, to: str, seed: int = 7, early_reply_share: float = 0.1
) -> list[GeneratedMail]:
    rng = random.Random(seed)
    start = datetime(2026, 11, 1, tzinfo=UTC)
    mails: list[GeneratedMail] = []
    originals: list[tuple[int, str, str, str]] = []  # (index, message id, sender, language)
    for n in range(count):
        when = start + timedelta(seconds=n)
        if originals and rng.random() < 0.3:
            _, original_id, sender, language = rng.choice(originals)
            message_id = f"r{n}.{seed}@customer.example"
            raw = _build(
                sender=sender,
                to=to,
                subject="Re: your request",
                body=REPLY_BODIES[language].format(n=n),
                charset=REPLY_CHARSET[language],
                cte="base64",
                message_id=message_id,
                when=when,
                in_reply_to=original_id,
            )
            mails.append(GeneratedMail(raw, message_id, original_id))
            continue
        language, charset, cte, subject, body = rng.choice(VARIANTS)
        sender = f"customer{rng.randrange(count // 3 + 1)}@{language}.example"
        message_id = f"n{n}.{seed}@customer.example"
        raw = _build(
            sender=sender,
            to=to,
            subject=subject.format(n=n),
            body=body.format(n=n),
            charset=charset,
            cte=cte,
            message_id=message_id,
            when=when,
        )
        originals.append((len(mails), message_id, sender, language))
        mails.append(GeneratedMail(raw, message_id, None))
    return _some_replies_first(mails, rng, early_reply_share)


def _some_replies_first(
    mails: list[GeneratedMail], rng: random.Random, share: float
) -> list[GeneratedMail]:
    """Move a share of the replies to just before their original."""
    position = {mail.message_id: index for index, mail in enumerate(mails)}
    order = list(range(len(mails)))
    moved: set[str] = set()
    for mail in mails:
        if mail.original_id and mail.original_id not in moved and rng.random() < share:
            moved.add(mail.original_id)
            order.remove(position[mail.message_id])
            order.insert(order.index(position[mail.original_id]), position[mail.message_id])
    return [mails[index] for index in order]
