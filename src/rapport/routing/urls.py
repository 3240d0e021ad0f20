from django.urls import path

from rapport.routing import views

app_name = "routing"

urlpatterns = [
    path("next/", views.next_ticket, name="next"),
    path("attention/", views.attention, name="attention"),
    path("tickets/<int:pk>/escalate/", views.escalate, name="escalate"),
    path("tickets/<int:pk>/offers/<int:offer_id>/accept/", views.accept_offer, name="accept"),
    path("tickets/<int:pk>/offers/<int:offer_id>/decline/", views.decline_offer,
         name="decline"),
]
