from django.urls import path

from rapport.automation import views

app_name = "automation"
urlpatterns = [
    path("tickets/<int:ticket_id>/macro/", views.apply, name="apply_macro"),
]
