from django.apps import AppConfig


class RepliesConfig(AppConfig):
    name = "rapport.replies"
    verbose_name = "Canned replies"

    def ready(self) -> None:
        from rapport.replies.composer import composer_tool
        from rapport.tickets.panels import register_composer_tool

        register_composer_tool(composer_tool, slot="toolbar")
