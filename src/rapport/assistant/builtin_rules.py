"""The rules every installation starts with (installed by a data migration).

Russian follows the table of phrases in the product's source article on customer service
vocabulary; English, Chinese and Serbian carry the same ideas: say what is true now and
what can be done, speak with confidence, never blame the customer. The explanations are
English msgids (gettext_noop), shown translated while an admin has not rewritten them.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_noop

from rapport.assistant.matching import phrase_key

# (phrase, alternatives, category, explanation)
Rule = tuple[str, list[str], str, str]

NOW_NOT_SORRY = gettext_noop(
    "Opens with bad news. Say what is true right now and what you can do."
)
NO_PROBLEM = gettext_noop("Mentions a problem or a worry where there is none. Offer help instead.")
CONFIDENT = gettext_noop("Sounds unsure. Say it with confidence.")
CAN_DO = gettext_noop("Says what cannot be done. Say what can be done instead.")
FIND_OUT = gettext_noop("Leaves the customer without an answer. Promise to find it.")
NO_BLAME = gettext_noop("Puts the blame on the customer. Say what happens next instead.")
KIND_ASK = gettext_noop("Sounds like an order. Ask kindly.")
AGREE = gettext_noop("Can sound dismissive. A plain yes is warmer.")
DEFECT = gettext_noop("A harsh word for a fault. Name it neutrally.")
DIFFICULTY = gettext_noop("A heavy word. A lighter one keeps the conversation positive.")
REQUEST = gettext_noop("Calls the customer's message a worry. It is a request or a question.")
EMPATHY = gettext_noop("Tells the customer how to feel. Acknowledge the feeling instead.")
RECAP = gettext_noop("Sounds impatient. Recap the point kindly.")
POLICY = gettext_noop("Hides behind a rule. Explain how it works and what you can do.")
WORTH_IT = gettext_noop("Stresses the wait. Stress the result.")

NEGATIVE, HEDGING, BLAME, OTHER = "negative", "hedging", "blame", "other"

ENGLISH: list[Rule] = [
    ("unfortunately", ["at the moment", "right now"], NEGATIVE, NOW_NOT_SORRY),
    ("no problem", ["happy to help", "my pleasure"], NEGATIVE, NO_PROBLEM),
    ("no worries", ["happy to help", "glad to help"], NEGATIVE, NO_PROBLEM),
    ("you can't", ["here's what we can do", "what you can do is"], NEGATIVE, CAN_DO),
    ("you cannot", ["here's what we can do", "what you can do is"], NEGATIVE, CAN_DO),
    ("we can't", ["what we can do is", "here's what we can do"], NEGATIVE, CAN_DO),
    ("it's not possible", ["what we can do is", "here's what we can do"], NEGATIVE, CAN_DO),
    ("it is not possible", ["what we can do is", "here's what we can do"], NEGATIVE, CAN_DO),
    ("I don't know", ["let me find out", "I'll find out for you"], NEGATIVE, FIND_OUT),
    ("I do not know", ["let me find out", "I'll find out for you"], NEGATIVE, FIND_OUT),
    ("it may be effective", ["it is effective"], HEDGING, CONFIDENT),
    ("it might work", ["this works"], HEDGING, CONFIDENT),
    ("I think", ["I'm confident", "I'm sure"], HEDGING, CONFIDENT),
    ("maybe", ["I recommend", "the best option is"], HEDGING, CONFIDENT),
    ("hopefully", ["I'm confident", "this will"], HEDGING, CONFIDENT),
    ("probably", ["certainly", "I expect"], HEDGING, CONFIDENT),
    ("I'll try to", ["I will"], HEDGING, CONFIDENT),
    ("I will try to", ["I will"], HEDGING, CONFIDENT),
    ("I guess", ["I'm sure"], HEDGING, CONFIDENT),
    ("you must", ["please", "we need you to"], BLAME, KIND_ASK),
    ("you have to", ["please", "the next step is to"], BLAME, KIND_ASK),
    ("you should have", ["next time, you can", "it helps to"], BLAME, NO_BLAME),
    ("you failed to", ["we haven't yet received", "it looks like we didn't get"], BLAME,
     NO_BLAME),
    ("you didn't", ["we haven't yet received", "it looks like we don't have"], BLAME, NO_BLAME),
    ("as I already said", ["to recap", "just to confirm"], BLAME, RECAP),
    ("as I said before", ["to recap", "just to confirm"], BLAME, RECAP),
    ("calm down", ["I understand how frustrating this is", "I hear you"], BLAME, EMPATHY),
    ("that's our policy", ["here's how this works", "here's what we can do"], BLAME, POLICY),
    ("it's not our fault", ["let's sort this out together", "here's what happened"], BLAME,
     NO_BLAME),
    ("obviously", ["yes", "of course"], OTHER, AGREE),
    ("problem", ["issue", "situation"], OTHER, DIFFICULTY),
]

RUSSIAN: list[Rule] = [
    ("К сожалению", ["В настоящий момент"], NEGATIVE, NOW_NOT_SORRY),
    ("Нет проблем", ["Пожалуйста", "Всегда рад помочь", "Всегда рада помочь"], NEGATIVE,
     NO_PROBLEM),
    ("Не волнуйтесь", ["Пожалуйста", "Всегда рад помочь", "Всегда рада помочь"], NEGATIVE,
     NO_PROBLEM),
    ("Естественно", ["Да", "Конечно", "Абсолютно", "Однозначно"], OTHER, AGREE),
    ("Само собой", ["Да", "Конечно", "Абсолютно", "Однозначно"], OTHER, AGREE),
    ("Брак", ["Неисправность"], NEGATIVE, DEFECT),
    ("Поломка", ["Неисправность"], NEGATIVE, DEFECT),
    ("Проблема", ["Сложность"], OTHER, DIFFICULTY),
    ("Опасение", ["Запрос", "Вопрос"], OTHER, REQUEST),
    ("Беспокойство", ["Запрос", "Вопрос"], OTHER, REQUEST),
    ("Это может быть эффективным", ["Это эффективно"], HEDGING, CONFIDENT),
    ("Возможно", ["Уверен", "Уверена"], HEDGING, CONFIDENT),
    ("Наверное", ["Уверен", "Уверена"], HEDGING, CONFIDENT),
    ("Я думаю", ["Я уверен", "Я уверена"], HEDGING, CONFIDENT),
    ("Я постараюсь", ["Я обязательно"], HEDGING, CONFIDENT),
    ("Вы не можете", ["Вы можете сделать так", "Давайте попробуем вот что"], NEGATIVE, CAN_DO),
    ("Это невозможно", ["Вот что мы можем сделать"], NEGATIVE, CAN_DO),
    ("Я не знаю", ["Я уточню", "Сейчас выясню"], NEGATIVE, FIND_OUT),
    ("Это займёт много времени", ["Это того стоит"], NEGATIVE, WORTH_IT),
    ("Вы должны", ["Пожалуйста", "Просим вас"], BLAME, KIND_ASK),
    ("Вам нужно было", ["В следующий раз можно"], BLAME, NO_BLAME),
    ("Вы должны были", ["В следующий раз можно"], BLAME, NO_BLAME),
    ("Как я уже говорил", ["Напомню", "Уточню"], BLAME, RECAP),
    ("Успокойтесь", ["Я понимаю, как это неприятно"], BLAME, EMPATHY),
    ("Такова наша политика", ["Вот как это работает", "Вот что мы можем сделать"], BLAME,
     POLICY),
    ("Это не наша вина", ["Давайте разберёмся вместе"], BLAME, NO_BLAME),
]

CHINESE: list[Rule] = [
    ("很遗憾", ["目前"], NEGATIVE, NOW_NOT_SORRY),
    ("遗憾的是", ["目前"], NEGATIVE, NOW_NOT_SORRY),
    ("不幸的是", ["目前"], NEGATIVE, NOW_NOT_SORRY),
    ("没问题", ["很乐意为您效劳", "随时为您服务"], NEGATIVE, NO_PROBLEM),
    ("不用担心", ["很乐意为您效劳", "我们会为您处理好"], NEGATIVE, NO_PROBLEM),
    ("别担心", ["很乐意为您效劳", "我们会为您处理好"], NEGATIVE, NO_PROBLEM),
    ("不可能", ["我们可以这样做"], NEGATIVE, CAN_DO),
    ("您不能", ["您可以这样做", "我们可以这样做"], NEGATIVE, CAN_DO),
    ("我不知道", ["我来为您查一下", "我马上为您确认"], NEGATIVE, FIND_OUT),
    ("可能有效", ["这是有效的"], HEDGING, CONFIDENT),
    ("我觉得", ["我确信"], HEDGING, CONFIDENT),
    ("也许", ["我建议"], HEDGING, CONFIDENT),
    ("大概", ["预计"], HEDGING, CONFIDENT),
    ("我尽量", ["我会"], HEDGING, CONFIDENT),
    ("您必须", ["请您"], BLAME, KIND_ASK),
    ("您应该早点", ["下次您可以"], BLAME, NO_BLAME),
    ("您没有", ["我们尚未收到"], BLAME, NO_BLAME),
    ("我已经说过了", ["再为您确认一下"], BLAME, RECAP),
    ("冷静一下", ["我理解您的感受"], BLAME, EMPATHY),
    ("这是我们的规定", ["我们可以这样为您处理"], BLAME, POLICY),
    ("这不是我们的错", ["我们一起来解决"], BLAME, NO_BLAME),
    ("显然", ["是的", "当然"], OTHER, AGREE),
]

SERBIAN: list[Rule] = [
    ("Нажалост", ["Тренутно"], NEGATIVE, NOW_NOT_SORRY),
    ("Нема проблема", ["Радо ћу помоћи", "Увек радо помажемо"], NEGATIVE, NO_PROBLEM),
    ("Не брините", ["Радо ћу помоћи", "Ту смо да помогнемо"], NEGATIVE, NO_PROBLEM),
    ("Подразумева се", ["Да", "Свакако"], OTHER, AGREE),
    ("Наравно да", ["Да", "Свакако"], OTHER, AGREE),
    ("Квар", ["Неисправност"], NEGATIVE, DEFECT),
    ("Проблем", ["Потешкоћа"], OTHER, DIFFICULTY),
    ("Не можете", ["Ево шта можемо да урадимо"], NEGATIVE, CAN_DO),
    ("Није могуће", ["Оно што можемо да урадимо је"], NEGATIVE, CAN_DO),
    ("Не знам", ["Проверићу за вас", "Сазнаћу"], NEGATIVE, FIND_OUT),
    ("Можда", ["Препоручујем", "Сигуран сам"], HEDGING, CONFIDENT),
    ("Мислим да", ["Сигуран сам да", "Сигурна сам да"], HEDGING, CONFIDENT),
    ("Вероватно", ["Свакако"], HEDGING, CONFIDENT),
    ("Покушаћу", ["Урадићу"], HEDGING, CONFIDENT),
    ("Морате", ["Молимо вас да"], BLAME, KIND_ASK),
    ("Требало је да", ["Следећи пут можете да"], BLAME, NO_BLAME),
    ("Као што сам већ рекао", ["Да поновим", "Да резимирам"], BLAME, RECAP),
    ("Као што сам већ рекла", ["Да поновим", "Да резимирам"], BLAME, RECAP),
    ("Смирите се", ["Разумем колико је ово непријатно"], BLAME, EMPATHY),
    ("То је наша политика", ["Ево како ово функционише"], BLAME, POLICY),
    ("Није наша кривица", ["Хајде да то заједно решимо"], BLAME, NO_BLAME),
]

BUILTIN_RULES: dict[str, list[Rule]] = {
    "en": ENGLISH, "ru": RUSSIAN, "zh-hans": CHINESE, "sr": SERBIAN,
}


def install_builtin_rules(rule_model: Any) -> int:
    """Create the built-in rules that are missing; returns how many were created.

    Takes the model class so the data migration can pass its historical model.
    An admin's edits are kept: a rule is looked up by language and key, never rewritten.
    """
    created = 0
    for language, rules in BUILTIN_RULES.items():
        for phrase, alternatives, category, explanation in rules:
            _rule, made = rule_model.objects.get_or_create(
                language=language, key=phrase_key(phrase, language),
                defaults={"phrase": phrase, "alternatives": alternatives, "category": category,
                          "explanation": explanation, "is_builtin": True, "enabled": True},
            )
            created += made
    return created
