from django.urls import path

from rapport.channels.email.outbound import views

app_name = "email_outbound"
urlpatterns = [
    path("<int:pk>/retry/", views.retry, name="retry"),
]
