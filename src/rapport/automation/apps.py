from django.apps import AppConfig


class AutomationConfig(AppConfig):
    name = "rapport.automation"
    verbose_name = "Automation"
