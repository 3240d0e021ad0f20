from django.urls import path

from rapport.channels.chat import views

app_name = "chat_channel"

urlpatterns = [
    path("sites/<str:site_key>/config", views.config, name="config"),
    path("sites/<str:site_key>/offline", views.offline, name="offline"),
    path("demo/", views.demo_shop, name="demo"),
]
