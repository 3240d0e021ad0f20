from django.urls import path

from rapport.assistant import views

app_name = "assistant"

urlpatterns = [
    path("tickets/<int:pk>/check/", views.check, name="check"),
    path("tickets/<int:pk>/accept/", views.accept, name="accept"),
    path("rules/", views.rules, name="rules"),
    path("rules/new/", views.rule_create, name="rule_create"),
    path("rules/<int:rule_id>/", views.rule_edit, name="rule_edit"),
    path("rules/<int:rule_id>/toggle/", views.rule_toggle, name="rule_toggle"),
    path("report/", views.report, name="report"),
]
