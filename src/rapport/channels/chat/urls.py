from django.urls import path

from rapport.channels.chat import views

app_name = "chat_channel"

urlpatterns = [
    path("sites/<str:site_key>/config", views.config, name="config"),
    path("sites/<str:site_key>/offline", views.offline, name="offline"),
    path("sites/<str:site_key>/upload", views.upload, name="upload"),
    path("sites/<str:site_key>/suggest", views.suggest, name="suggest"),
    path("sites/<str:site_key>/files/<str:public_id>", views.file, name="file"),
    path("demo/", views.demo_shop, name="demo"),
    # The address customers paste: the widget finds Rapport's base URL from it.
    path("widget.js", views.widget_script, name="widget"),
]
