"""The demo's routing: rules that send each kind of request to its team, team settings."""

from __future__ import annotations

from rapport.accounts.models import Skill, Team
from rapport.routing.models import RoutingRule, Strategy, TeamRouting
from rapport.tickets.models import Priority

# (name, team, conditions, priority, tags, required skill)
_RULES = [
    ("Refunds and payments → Billing", "Billing",
     {"all": [{"field": "keywords", "op": "contains_any",
               "value": ["refund", "invoice", "charged", "payment", "возврат", "счёт",
                         "оплата", "退款", "发票", "付款", "повраћај", "рачун", "уплата"]}]},
     None, ["billing"], "refunds"),
    ("Parcels → Deliveries", "Deliveries",
     {"all": [{"field": "keywords", "op": "contains_any",
               "value": ["parcel", "delivery", "courier", "tracking", "посылка", "доставка",
                         "курьер", "包裹", "快递", "物流", "пакет", "достава", "курир"]}]},
     None, [], ""),
    ("Sign-in and checkout → Technical support", "Technical support",
     {"all": [{"field": "keywords", "op": "contains_any",
               "value": ["password", "sign in", "login", "checkout", "error", "пароль",
                         "войти", "ошибка", "密码", "登录", "错误", "лозинка", "грешка"]}]},
     None, [], ""),
    ("Enterprise customers first", "",
     {"all": [{"field": "tier", "op": "is", "value": "enterprise"}]},
     Priority.HIGH, ["enterprise"], ""),
]


def install_demo_routing(teams: dict[str, Team]) -> int:
    """Create the demo's routing rules and team settings; returns the number of rules."""
    for i, (name, team_name, conditions, priority, tags, skill) in enumerate(_RULES):
        rule, _created = RoutingRule.objects.update_or_create(name=name, defaults={
            "position": i, "conditions": conditions, "team": teams.get(team_name),
            "priority": priority, "add_tags": tags,
        })
        if skill:
            rule.required_skills.set([Skill.objects.get_or_create(name=skill)[0]])
    for name, each in teams.items():
        TeamRouting.objects.update_or_create(team=each, defaults={
            "strategy": Strategy.LEAST_LOADED if name == "Deliveries" else Strategy.ROUND_ROBIN,
            "chat_offer_seconds": 30, "reassign_offline_minutes": 30,
            "unassigned_alarm_minutes": 15, "unanswered_alarm_minutes": 120,
            "escalation_team": teams.get("Technical support") if name != "Technical support"
            else None,
        })
    return len(_RULES)
