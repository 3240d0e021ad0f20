from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "rapport.knowledge"
    verbose_name = "Knowledge base"
