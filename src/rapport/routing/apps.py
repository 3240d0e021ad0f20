from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "rapport.routing"
    verbose_name = "Routing"
