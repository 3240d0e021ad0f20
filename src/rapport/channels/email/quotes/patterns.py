"""What marks the start of quoted history, per mail client and language.

Every pattern is matched against one bounded logical line (an attribution may be
wrapped by the sender's client over up to three physical lines), and every
pattern is anchored by `fullmatch`, so no input line can make them backtrack for
long: lines longer than MAX_LINE_CHARS are never tried.
"""

from __future__ import annotations

import re

MAX_LINE_CHARS = 320
MAX_ATTRIBUTION_LINES = 3

# The attribution line a client writes above the quote ("On …, Name wrote:").
# A digit is required in each so prose such as "On reflection, Anna wrote:" is
# not taken for one.
ATTRIBUTIONS: tuple[tuple[str, re.Pattern[str]], ...] = (
    # Gmail, Apple Mail, Thunderbird (en): "On Mon, 1 Jan 2026 at 10:00, Name <a@b> wrote:"
    ("wrote_en", re.compile(r"On\s(?=.*\d).{4,280}\swrote\s?:", re.IGNORECASE)),
    # Thunderbird (ru): "01.01.2026 10:00, Имя пишет:"
    (
        "wrote_ru",
        re.compile(
            r"(?=.*\d).{4,280}\s(?:пишет|писал|писала|написал|написала|написал\(а\))\s?:",
            re.IGNORECASE,
        ),
    ),
    # Gmail (zh): "Имя <a@b> 于2026年1月1日周一 10:00写道：";
    # Thunderbird (zh): "在 2026/1/1 10:00, 某某 写道:"
    ("wrote_zh", re.compile(r"(?=.*\d).{2,280}(?:写道|寫道)\s?[:：]")),
    # Gmail and Thunderbird (sr, Cyrillic and Latin): "… Име <a@b> је написао/ла:"
    (
        "wrote_sr",
        re.compile(
            r"(?=.*\d).{4,280}\s(?:је|je)\s(?:написао|написала|napisao|napisala)"
            r"(?:/(?:ла|la)|\((?:ла|la)\))?\s?:",
            re.IGNORECASE,
        ),
    ),
    # Gmail (ru), Yandex, Mail.ru: a date and a time, then the sender's address and
    # a colon — «пн, 1 янв. 2026 г. в 10:00, Имя <a@b>:»,
    # «01.01.2026, 10:00, "Имя" <a@b>:», «Понедельник, 1 января 2026, 10:00 +03:00 от Имя <a@b>:»
    (
        "dated_address",
        re.compile(r"(?=.*\d{1,2}:\d{2}).{4,280}[\s,\"]<?[^\s<>@\"]+@[^\s<>@\"]+>?\s?:"),
    ),
)

# A separator line above a quoted message (Outlook, Thunderbird, QQ/Foxmail; QQ's
# English interface writes just "Original").
ORIGINAL_MESSAGE = re.compile(
    r"-{2,}\s*(?:original message|original|исходное сообщение|оригинальное сообщение|"
    r"оригинална порука|originalna poruka|原始邮件|原始郵件|原邮件)\s*-{2,}",
    re.IGNORECASE,
)

# Marks a forward: what follows is content the customer chose to send us, not
# history to hide.
FORWARD_MARKER = re.compile(
    r"(?:-{2,}\s*(?:forwarded message|пересылаемое сообщение|пересланное сообщение|"
    r"转发邮件|прослеђена порука|prosleđena poruka)\s*-{2,}|begin forwarded message:|"
    r"начало переадресованного сообщения:)",
    re.IGNORECASE,
)

# Outlook's header block ("From: … Sent: … To: … Subject: …"), localised.
# Bold markers ("*From:*") appear when HTML was turned into text.
HEADER_LINE = re.compile(
    r"\*?\s?(?P<key>[^\W\d_][\w \-]{0,18}?)\s?\*?\s?[:：]\s?\*?\s?(?P<value>.*)"
)
HEADER_KEYS: dict[str, str] = {
    **dict.fromkeys(("from", "от", "发件人", "寄件者", "од", "od"), "from"),
    **dict.fromkeys(
        (
            "sent",
            "date",
            "отправлено",
            "дата",
            "发送时间",
            "日期",
            "时间",
            "послато",
            "poslato",
            "датум",
            "datum",
        ),
        "sent",
    ),
    **dict.fromkeys(("to", "кому", "收件人", "за", "za"), "to"),
    **dict.fromkeys(("cc", "копия", "抄送", "копија", "kopija"), "cc"),
    **dict.fromkeys(("subject", "тема", "主题", "主旨", "tema", "предмет", "predmet"), "subject"),
}
HEADER_BLOCK_LOOKAHEAD = 8

# A rule ("________") or dashes that Outlook puts above its header block.
RULE_LINE = re.compile(r"[_\-=─—]{8,}")

# Signatures: the RFC 3676 delimiter, and the line a phone client appends.
SIGNATURE_DELIMITER = "-- "
LOOSE_SIGNATURE_DELIMITER = "--"
MAX_LOOSE_SIGNATURE_LINES = 10
MOBILE_SIGNATURE = re.compile(
    r"(?:sent from my\s.{1,40}|sent from (?:mail|outlook|yahoo|yandex|gmail|samsung)\b.{0,40}|"
    r"get outlook for\s.{1,30}|"
    r"отправлено\s(?:с|со|из)\s(?:моего\s|мобильной\s|мобильного\s)?"
    r"(?:iphone|ipad|android|яндекс|почты|mail|samsung|устройства|приложения).{0,40}|"
    r"发自我的\s?.{1,30}|从我的\s?.{1,30}发送|"
    r"послато\sса\s(?:мог\s|мојег\s)?.{1,40}|poslato\ssa\s(?:mog\s|mojeg\s)?.{1,40})",
    re.IGNORECASE,
)
