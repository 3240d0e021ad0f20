"""Admin for the knowledge base: languages, categories and sections are managed here;
articles are written in the knowledge base's own editor (it keeps their history)."""

from django.contrib import admin

from rapport.knowledge.models import (
    Article,
    ArticleTranslation,
    ArticleVersion,
    Category,
    HelpfulVote,
    KnowledgeLocale,
    Section,
)


@admin.register(KnowledgeLocale)
class KnowledgeLocaleAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "enabled", "position"]
    list_editable = ["enabled", "position"]


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0
    fields = ["slug", "position", "names", "descriptions"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["__str__", "slug", "position"]
    inlines = [SectionInline]


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "category", "slug", "position"]
    list_filter = ["category"]


class TranslationInline(admin.TabularInline):
    model = ArticleTranslation
    extra = 0
    fields = ["locale", "title", "status", "published_at", "views", "helpful_yes",
              "helpful_no"]
    readonly_fields = ["locale", "title", "status", "published_at", "views", "helpful_yes",
                       "helpful_no"]
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class ThroughTheEditorOnly:
    """Changes that must reach the search index and the history go through the verbs
    (the knowledge base's pages), never through a raw admin save or delete."""

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Article)
class ArticleAdmin(ThroughTheEditorOnly, admin.ModelAdmin):
    list_display = ["__str__", "section", "audience", "owner", "review_by", "position"]
    list_filter = ["audience", "section__category"]
    fields = ["section", "audience", "owner", "review_by", "position"]
    readonly_fields = ["section", "audience", "owner", "review_by"]
    inlines = [TranslationInline]


@admin.register(ArticleTranslation)
class ArticleTranslationAdmin(ThroughTheEditorOnly, admin.ModelAdmin):
    """Read-only: text changes go through the editor, so every one is a version."""

    list_display = ["title", "locale", "status", "updated_at", "views"]
    list_filter = ["locale", "status"]
    search_fields = ["title"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(ArticleVersion)
class ArticleVersionAdmin(ThroughTheEditorOnly, admin.ModelAdmin):
    list_display = ["translation", "number", "author", "created_at", "note"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(HelpfulVote)
class HelpfulVoteAdmin(admin.ModelAdmin):
    list_display = ["translation", "helpful", "created_at"]
    list_filter = ["helpful"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
