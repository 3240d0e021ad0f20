"""Demo automations: a few triggers, two time rules and three macros in four languages.

`install_demo_automation()` is idempotent (rules are found by name) and is meant to run
after the demo tickets are loaded and backdated: it rebuilds the tickets' clocks from
their (backdated) timelines, so the time rules see the demo's real ages.
"""

from __future__ import annotations

from typing import Any

from rapport.accounts.models import Team
from rapport.automation import actions
from rapport.automation.clock import rebuild_clocks
from rapport.automation.models import Clock, Macro, TimeRule, Trigger
from rapport.tickets import conditions
from rapport.tickets.models import Status

URGENT_WORDS = ["urgent", "asap", "immediately", "срочно", "немедленно", "紧急", "马上",
                "хитно", "hitno"]
REFUND_WORDS = ["refund", "chargeback", "charged twice", "возврат", "退款", "повраћај",
                "povraćaj"]

REMINDER = {
    "en": {"subject": "Do you still need help with #{{ticket.number}}?",
           "body": "Hello {{customer.first_name}},\n\nWe are still waiting for your answer "
                   "about “{{ticket.subject}}” (#{{ticket.number}}). Just reply to this "
                   "message and we will carry on.\n\nIf everything is sorted, you need not "
                   "do anything: the request will be closed in a few days."},
    "ru": {"subject": "Вам ещё нужна помощь по обращению #{{ticket.number}}?",
           "body": "Здравствуйте, {{customer.first_name}}!\n\nМы всё ещё ждём вашего ответа "
                   "по обращению «{{ticket.subject}}» (#{{ticket.number}}). Просто ответьте "
                   "на это письмо, и мы продолжим.\n\nЕсли вопрос решён, ничего делать не "
                   "нужно: через несколько дней обращение закроется."},
    "zh-hans": {"subject": "您的请求 #{{ticket.number}} 还需要帮助吗？",
                "body": "{{customer.first_name}}，您好！\n\n关于“{{ticket.subject}}”"
                        "（#{{ticket.number}}），我们仍在等待您的回复。直接回复此消息即可继续处理。"
                        "\n\n如果问题已经解决，您无需任何操作：该请求将在几天后关闭。"},
    "sr": {"subject": "Да ли вам је и даље потребна помоћ за #{{ticket.number}}?",
           "body": "Поштовани/а {{customer.first_name}},\n\nЈош увек чекамо ваш одговор у "
                   "вези са „{{ticket.subject}}“ (#{{ticket.number}}). Само одговорите на "
                   "ову поруку и наставићемо.\n\nАко је све решено, не морате ништа да "
                   "радите: захтев ће бити затворен за неколико дана."},
}

ASK_ORDER = {
    "en": "Hello {{customer.first_name}},\n\nThank you for writing to us. To look into "
          "this, could you send us your order number? It starts with NW and is in your "
          "order confirmation email.\n\nBest regards,\n{{agent.first_name}}",
    "ru": "Здравствуйте, {{customer.first_name}}!\n\nСпасибо за обращение. Чтобы "
          "разобраться, пришлите, пожалуйста, номер заказа: он начинается с NW и указан в "
          "письме с подтверждением заказа.\n\nС уважением,\n{{agent.first_name}}",
    "zh-hans": "{{customer.first_name}}，您好！\n\n感谢您的来信。为了便于查询，请提供您的订单号："
               "订单号以 NW 开头，可在订单确认邮件中找到。\n\n此致\n{{agent.first_name}}",
    "sr": "Поштовани/а {{customer.first_name}},\n\nХвала што сте нам писали. Да бисмо ово "
          "проверили, пошаљите нам број поруџбине: почиње са NW и налази се у имејлу са "
          "потврдом поруџбине.\n\nСрдачан поздрав,\n{{agent.first_name}}",
}

REFUND_DONE = {
    "en": "Hello {{customer.first_name}},\n\nWe have issued your refund. It usually reaches "
          "your account within 5–10 business days, depending on your bank.\n\nIf anything "
          "else comes up, just reply to this message.\n\nBest regards,\n{{agent.first_name}}",
    "ru": "Здравствуйте, {{customer.first_name}}!\n\nМы оформили возврат. Обычно деньги "
          "поступают на счёт в течение 5–10 рабочих дней, в зависимости от банка.\n\nЕсли "
          "возникнут вопросы, просто ответьте на это письмо.\n\nС уважением,\n"
          "{{agent.first_name}}",
    "zh-hans": "{{customer.first_name}}，您好！\n\n我们已为您办理退款。款项通常会在 5–10 个工作日内"
               "到账，具体取决于您的银行。\n\n如有其他问题，直接回复此消息即可。\n\n此致\n"
               "{{agent.first_name}}",
    "sr": "Поштовани/а {{customer.first_name}},\n\nИздали смо поврат новца. Обично стиже на "
          "ваш рачун за 5–10 радних дана, у зависности од банке.\n\nАко буде још питања, "
          "само одговорите на ову поруку.\n\nСрдачан поздрав,\n{{agent.first_name}}",
}

ESCALATE_REPLY = {
    "en": "Hello {{customer.first_name}},\n\nI have passed your request to our billing "
          "team, who can look at payments directly. They will get back to you shortly.\n\n"
          "Best regards,\n{{agent.first_name}}",
    "ru": "Здравствуйте, {{customer.first_name}}!\n\nЯ передал(а) ваше обращение в отдел "
          "оплаты: коллеги видят платежи напрямую и скоро вам ответят.\n\nС уважением,\n"
          "{{agent.first_name}}",
    "zh-hans": "{{customer.first_name}}，您好！\n\n我已将您的请求转交给我们的账务团队，他们可以直接"
               "查看付款情况，很快会回复您。\n\n此致\n{{agent.first_name}}",
    "sr": "Поштовани/а {{customer.first_name}},\n\nПроследио/ла сам ваш захтев тиму за "
          "наплату, који може директно да провери уплате. Ускоро ће вам се јавити.\n\n"
          "Срдачан поздрав,\n{{agent.first_name}}",
}


def _keywords(words: list[str]) -> dict[str, Any]:
    return {"all": [{"field": "keywords", "op": "contains_any", "value": words}]}


def _team_id(name: str) -> int | None:
    return Team.objects.filter(name=name).values_list("pk", flat=True).first()


def _triggers(billing: int | None) -> list[dict[str, Any]]:
    refund_actions: list[dict[str, Any]] = [{"type": "add_tags", "tags": ["refund"]}]
    if billing is not None:
        refund_actions.append({"type": "set_team", "team": billing})
    return [
        {"name": "Urgent words → high priority", "events": ["ticket.created"],
         "conditions": _keywords(URGENT_WORDS),
         "actions": [{"type": "set_priority", "priority": "high"},
                     {"type": "add_tags", "tags": ["urgent"]}]},
        {"name": "Refund requests → Billing", "events": ["ticket.created"],
         "conditions": _keywords(REFUND_WORDS), "actions": refund_actions},
        {"name": "Customer answered while we waited → note",
         "events": ["ticket.status"],
         "conditions": {"all": [
             {"field": "previous_status", "op": "in", "value": ["pending", "solved"]},
             {"field": "actor", "op": "is", "value": "customer"}]},
         "actions": [{"type": "add_note",
                      "text": "{{customer.name}} answered while the ticket was waiting for "
                              "them. It is open again."}]},
        {"name": "Missed SLA → urgent and tagged", "events": ["sla.breached"],
         "conditions": {},
         "actions": [{"type": "set_priority", "priority": "urgent"},
                     {"type": "add_tags", "tags": ["sla-breached"]}]},
    ]


def _time_rules() -> list[dict[str, Any]]:
    return [
        {"name": "Pending 3 days → remind the customer", "status": Status.PENDING,
         "clock": Clock.STATUS_CHANGED, "hours": 72,
         "actions": [{"type": "email_requester", "templates": REMINDER}]},
        {"name": "Solved 4 days → close", "status": Status.SOLVED,
         "clock": Clock.STATUS_CHANGED, "hours": 96,
         "actions": [{"type": "set_status", "status": "closed"}]},
    ]


def _macros(billing: int | None) -> list[dict[str, Any]]:
    escalate: list[dict[str, Any]] = [{"type": "add_tags", "tags": ["escalated"]},
                                      {"type": "set_priority", "priority": "high"}]
    if billing is not None:
        escalate.insert(0, {"type": "assign", "team": billing})
    return [
        {"name": "Ask for the order number", "reply": ASK_ORDER,
         "actions": [{"type": "set_status", "status": "pending"}]},
        {"name": "Refund issued — solve", "reply": REFUND_DONE,
         "note": "Refund issued by {{agent.name}}.",
         "actions": [{"type": "add_tags", "tags": ["refund-issued"]},
                     {"type": "set_status", "status": "solved"}]},
        {"name": "Escalate to Billing", "reply": ESCALATE_REPLY,
         "note": "Escalated to Billing by {{agent.name}}.", "actions": escalate},
    ]


def _install(model: Any, specs: list[dict[str, Any]]) -> int:
    created = 0
    for position, spec in enumerate(specs, 1):
        spec = dict(spec)
        spec["actions"] = actions.validate(spec["actions"], allow_empty=model is Macro)
        if "conditions" in spec:
            spec["conditions"] = conditions.validate(spec["conditions"])
        _, made = model.objects.get_or_create(
            name=spec.pop("name"), defaults={**spec, "position": position * 10})
        created += made
    return created


def install_demo_automation() -> dict[str, int]:
    """Create the demo's automations (those missing); returns how many of each were made."""
    billing = _team_id("Billing")
    counts = {
        "triggers": _install(Trigger, _triggers(billing)),
        "time_rules": _install(TimeRule, _time_rules()),
        "macros": _install(Macro, _macros(billing)),
    }
    counts["clocks"] = rebuild_clocks()
    return counts
