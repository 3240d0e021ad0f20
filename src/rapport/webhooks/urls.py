from django.urls import path

from rapport.webhooks import receiver

app_name = "webhooks"
urlpatterns = [
    path("test-receiver/", receiver.receive, name="test_receiver"),
    path("test-receiver/events/", receiver.events, name="test_receiver_events"),
]
