from django.urls import path, register_converter

from rapport.knowledge import help_views


class UnicodeSlugConverter:
    """Article slugs keep their own script: /help/ru/articles/12-доставка/."""

    regex = r"[-\w]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(UnicodeSlugConverter, "knowledge_slug")

app_name = "help"

urlpatterns = [
    path("", help_views.root, name="root"),
    path("<slug:locale>/", help_views.home, name="home"),
    path("<slug:locale>/search/", help_views.search, name="search"),
    path("<slug:locale>/articles/<int:article_id>-<knowledge_slug:slug>/", help_views.article,
         name="article"),
    path("<slug:locale>/articles/<int:article_id>-<knowledge_slug:slug>/vote/",
         help_views.vote, name="vote"),
    path("<slug:locale>/<slug:category_slug>/", help_views.category, name="category"),
]
