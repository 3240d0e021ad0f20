from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "rapport.search"
    verbose_name = "Search"

    def ready(self) -> None:
        from rapport.search.article_views import ticket_panel
        from rapport.search.listeners import connect
        from rapport.tickets.panels import register_panel

        connect()
        register_panel(ticket_panel)
