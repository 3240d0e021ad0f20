from django.urls import path

from rapport.knowledge import views

app_name = "knowledge"

_one = "articles/<int:article_id>/<slug:locale>/"

urlpatterns = [
    path("", views.home, name="home"),
    path("needs-review/", views.needs_review, name="needs_review"),
    path("new/", views.create, name="create"),
    path("preview/", views.preview, name="preview"),
    path("articles/<int:article_id>/", views.article, name="article"),
    path("articles/<int:article_id>/delete/", views.delete, name="delete"),
    path("articles/<int:article_id>/review/", views.review, name="review"),
    path(_one, views.translation_page, name="translation"),
    path(_one + "edit/", views.edit, name="edit"),
    path(_one + "publish/", views.publish, name="publish"),
    path(_one + "unpublish/", views.unpublish, name="unpublish"),
    path(_one + "history/", views.history, name="history"),
    path(_one + "history/<int:version_number>/", views.version, name="version"),
    path(_one + "history/<int:version_number>/restore/", views.restore, name="restore"),
]
