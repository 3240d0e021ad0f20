from django.apps import AppConfig


class SlaConfig(AppConfig):
    name = "rapport.sla"
    verbose_name = "SLAs"
