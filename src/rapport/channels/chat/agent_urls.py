"""The agent's chat pages, under /chats/."""

from django.urls import path

from rapport.channels.chat import agent_views

app_name = "chat_console"

urlpatterns = [
    path("", agent_views.console_page, name="console"),
    path("live/", agent_views.console_lists, name="lists"),
    path("<int:ticket_id>/panel/", agent_views.panel, name="panel"),
    path("<int:ticket_id>/take/", agent_views.take, name="take"),
    path("<int:ticket_id>/transfer/", agent_views.transfer, name="transfer"),
    path("<int:ticket_id>/end/", agent_views.end, name="end"),
]
