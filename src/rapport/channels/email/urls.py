from django.urls import path

from rapport.channels.email import views

app_name = "email_channel"

urlpatterns = [
    path("messages/<int:message_pk>/original/", views.original, name="original"),
    path("messages/<int:message_pk>/raw/", views.raw, name="raw"),
]
