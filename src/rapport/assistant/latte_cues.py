"""What each LATTE step sounds like, per language, and closing lines (data; see latte.py).

Russian, English and Serbian cues are matched by word forms, Chinese ones as substrings.
A cue for "takes action" names something done or arranged, not a wish: "I have sent",
not "we could send".
"""

from __future__ import annotations

import itertools


def _combine(subjects: list[str], verbs: list[str]) -> list[str]:
    return [f"{subject} {verb}" for subject, verb in itertools.product(subjects, verbs)]


_EN_DONE_BY = ["I have", "I've", "we have", "we've", "I", "we", "I just", "we just",
               "has been", "have been", "was", "were", "is being"]
_EN_ACTIONS = ["refunded", "sent", "arranged", "issued", "credited", "cancelled", "canceled",
               "replaced", "reset", "updated", "fixed", "resolved", "escalated", "shipped",
               "resent", "reshipped", "booked", "processed", "reactivated", "restored",
               "corrected", "added", "applied", "scheduled"]
_EN_WILL = ["I will", "I'll", "we will", "we'll"]
_EN_PROMISES = ["ship", "send", "refund", "replace", "call you", "follow up", "check back"]

LISTENS: dict[str, list[str]] = {
    "en": ["I understand", "we understand", "I can see why", "I see why", "I'm sorry that",
           "I am sorry that", "I'm sorry to hear", "I am sorry to hear", "we're sorry",
           "we are sorry", "I apologise", "I apologize", "we apologise", "we apologize",
           "my apologies", "our apologies", "I hear you", "that must be", "how frustrating",
           "you're right", "you are right"],
    "ru": ["понимаю", "понимаем", "понимаем ваше", "приносим извинения", "приношу извинения",
           "извините", "простите", "мне очень жаль", "нам очень жаль", "сожалеем", "вы правы",
           "это неприятно", "очень неприятно"],
    "zh-hans": ["我理解", "我们理解", "理解您的", "非常抱歉", "很抱歉", "抱歉", "对不起",
                "深表歉意", "给您带来不便", "您说得对"],
    "sr": ["разумем", "разумемо", "извињавамо се", "извињавам се", "извините", "жао нам је",
           "жао ми је", "у праву сте", "схватамо"],
}

TAKES_ACTION: dict[str, list[str]] = {
    "en": _combine(_EN_DONE_BY, _EN_ACTIONS) + _combine(_EN_WILL, _EN_PROMISES),
    "ru": ["оформил", "оформила", "оформили", "отправил", "отправила", "отправили",
           "вернули", "вернул", "вернула", "выслали", "заменили", "отменили", "начислили",
           "исправили", "обновили", "передали", "организовали", "перевели", "зачислили",
           "уже отправлен", "уже оформлен", "мы отправим", "мы вернём", "мы заменим"],
    "zh-hans": ["已为您", "我们已经", "已经为您", "已安排", "已退款", "已发送", "已寄出",
                "已补发", "我已", "已处理", "已更换", "已取消", "我们会尽快", "我们将为您"],
    "sr": ["послали смо", "послао сам", "послала сам", "вратили смо", "вратио сам",
           "вратила сам", "заменили смо", "поништили смо", "исправили смо", "уплатили смо",
           "организовали смо", "проследили смо", "ажурирали смо", "послаћемо", "вратићемо"],
}

THANKS: dict[str, list[str]] = {
    "en": ["thank you", "thanks", "we appreciate", "I appreciate", "appreciate your"],
    "ru": ["спасибо", "благодарим", "благодарю", "признательны", "признателен"],
    "zh-hans": ["谢谢", "感谢", "多谢"],
    "sr": ["хвала", "захваљујемо", "захваљујем", "захвални смо", "захвалан сам"],
}

EXPLAINS: dict[str, list[str]] = {
    "en": ["because", "this happened", "the reason", "due to", "so that", "what happens next",
           "next step", "next steps", "you will receive", "you'll receive", "you will get",
           "you'll get", "you should receive", "within", "expect", "this means"],
    "ru": ["потому что", "так как", "это произошло", "произошло", "причина", "из-за",
           "дальше", "далее", "в течение", "вы получите", "чтобы", "это значит"],
    "zh-hans": ["因为", "由于", "原因", "接下来", "之后", "您将", "预计", "以便", "这意味着"],
    "sr": ["зато што", "јер", "разлог", "због", "следеће", "у наредних", "добићете",
           "како бисте", "дошло је до", "то значи"],
}

INVITES_BACK: dict[str, list[str]] = {
    "en": ["let me know", "let us know", "reply to this", "just reply", "simply reply",
           "get in touch", "reach out", "don't hesitate", "here to help", "anything else",
           "any other questions", "any questions", "feel free", "contact us"],
    "ru": ["обращайтесь", "дайте знать", "дайте нам знать", "ответьте на это письмо",
           "просто ответьте", "напишите нам", "пишите", "если возникнут", "остались вопросы",
           "всегда рады помочь", "на связи"],
    "zh-hans": ["如有任何", "随时", "请告诉我们", "请随时联系", "如有其他问题", "欢迎随时",
                "请直接回复"],
    "sr": ["јавите", "обратите нам се", "слободно", "ако имате још", "одговорите на ову поруку",
           "радо ћемо помоћи", "ту смо", "пишите нам"],
}

CLOSINGS: dict[str, list[str]] = {
    "en": [
        "If anything else comes up, just reply to this message — we're here to help.",
        "Thank you for your patience. If there's anything else, simply reply and we'll "
        "take care of it.",
        "Should you have any other questions, reply to this email at any time — we're "
        "always glad to help.",
    ],
    "ru": [
        "Если возникнут вопросы — просто ответьте на это письмо, мы всегда рады помочь.",
        "Спасибо за терпение! Если понадобится что-то ещё, напишите нам в ответ — мы на связи.",
        "Будем рады помочь и дальше: если что-то останется неясным, просто ответьте на "
        "это сообщение.",
    ],
    "zh-hans": [
        "如有任何其他问题，请直接回复此邮件，我们随时乐意为您提供帮助。",
        "感谢您的耐心。如还需要帮助，欢迎随时回复我们。",
        "如有其他需要，请随时联系我们，我们很乐意继续为您服务。",
    ],
    "sr": [
        "Ако имате још питања, само одговорите на ову поруку — радо ћемо помоћи.",
        "Хвала на стрпљењу. Ако вам још нешто затреба, пишите нам — ту смо.",
        "Слободно нам се обратите ако вам било шта буде нејасно — увек радо помажемо.",
    ],
}
