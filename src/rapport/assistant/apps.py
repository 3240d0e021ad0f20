from django.apps import AppConfig


class AssistantConfig(AppConfig):
    name = "rapport.assistant"
    verbose_name = "Positive-language assistant"

    def ready(self) -> None:
        from rapport.assistant.listeners import on_ticket_change
        from rapport.assistant.views import composer_tool
        from rapport.tickets.hooks import listen
        from rapport.tickets.panels import register_composer_tool

        listen(on_ticket_change, name="assistant")
        register_composer_tool(composer_tool, slot="below")
        _forget_rules_when_they_change()


def _forget_rules_when_they_change() -> None:
    """This process compiles the rules again at once (and again after the commit, so a
    check that read them in between does not keep the old ones); others within
    rulebook.RULES_TTL_SECONDS."""
    from django.db import transaction
    from django.db.models.signals import post_delete, post_save

    from rapport.assistant.models import PhraseRule
    from rapport.assistant.rulebook import forget_rules

    def forget(**kwargs: object) -> None:
        forget_rules()
        transaction.on_commit(forget_rules)

    post_save.connect(forget, sender=PhraseRule, weak=False)
    post_delete.connect(forget, sender=PhraseRule, weak=False)
