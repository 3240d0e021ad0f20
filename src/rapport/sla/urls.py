from django.urls import path

from rapport.sla import views

app_name = "sla"
urlpatterns = [
    path("tickets/<int:pk>/panel/", views.panel, name="ticket_panel"),
]
