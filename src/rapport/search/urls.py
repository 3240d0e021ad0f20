from django.urls import path

from rapport.search import article_views, report_views, views

app_name = "search"

urlpatterns = [
    path("", views.results, name="results"),
    path("quick/", views.quick, name="quick"),
    path("tickets/<int:pk>/articles/", article_views.ticket_articles, name="ticket_articles"),
    path("articles/<int:translation_id>/insert/", article_views.article_insert,
         name="article_insert"),
    path("suggest/", article_views.public_suggestions, name="public_suggestions"),
    path("suggested/<int:translation_id>/", article_views.open_suggestion,
         name="open_suggestion"),
    path("report/", report_views.report, name="report"),
]
