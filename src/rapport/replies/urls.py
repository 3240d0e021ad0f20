from django.urls import path

from rapport.replies import composer, views

app_name = "replies"

urlpatterns = [
    path("", views.reply_list, name="list"),
    path("new/", views.reply_create, name="create"),
    path("<int:reply_id>/", views.reply_edit, name="edit"),
    path("<int:reply_id>/delete/", views.reply_delete, name="delete"),
    path("preview/", views.preview, name="preview"),
    path("folders/new/", views.folder_create, name="folder_create"),
    path("folders/<int:folder_id>/", views.folder_edit, name="folder_edit"),
    path("folders/<int:folder_id>/delete/", views.folder_delete, name="folder_delete"),
    # The "/" picker in a ticket's reply box.
    path("tickets/<int:ticket_id>/suggest/", composer.suggest, name="suggest"),
    path("tickets/<int:ticket_id>/insert/", composer.insert, name="insert"),
]
