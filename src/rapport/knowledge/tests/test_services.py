from datetime import date, timedelta

import pytest

from rapport.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from rapport.knowledge import services
from rapport.knowledge.models import (
    Article,
    ArticleTranslation,
    ArticleVersion,
    HelpfulVote,
    TranslationStatus,
)
from rapport.knowledge.services import ArticleSettings
from rapport.knowledge.tests.factories import add_translation, make_article, make_section

pytestmark = pytest.mark.django_db


@pytest.fixture
def indexed(monkeypatch):
    """What the verbs tell the search index, in order."""
    from rapport.search import index

    calls = []
    monkeypatch.setattr(index, "touch", lambda kind, ids: calls.append(("touch", kind, ids)))
    monkeypatch.setattr(index, "forget", lambda kind, ids: calls.append(("forget", kind, ids)))
    return calls


def test_create_makes_a_draft_with_version_1(supervisor, indexed):
    t = services.create_article(
        ArticleSettings(section=make_section(), audience="public", owner=supervisor),
        locale="en", title="  Track   an order ", body_markdown="Open *My orders*.",
        actor=supervisor, note="first",
    )
    assert t.status == TranslationStatus.DRAFT
    assert t.title == "Track an order"
    assert t.slug == "track-an-order"
    assert "<em>My orders</em>" in t.body_html
    [v] = t.versions.all()
    assert (v.number, v.title, v.body_markdown, v.author, v.note) == (
        1, "Track an order", "Open *My orders*.", supervisor, "first")
    assert indexed == [("touch", "article", [t.pk])]


def test_every_save_appends_a_version(supervisor, public_article, indexed):
    services.save_translation(public_article, title="Tracking", body_markdown="Two",
                              author=supervisor, note="shorter")
    services.save_translation(public_article, title="Tracking", body_markdown="Three",
                              author=supervisor)
    numbers = list(public_article.versions.order_by("number").values_list(
        "number", "body_markdown"))
    assert numbers == [(1, "Open **My orders** and choose *Track*."), (2, "Two"), (3, "Three")]
    public_article.refresh_from_db()
    assert public_article.body_markdown == "Three"
    assert public_article.updated_by == supervisor
    assert public_article.status == TranslationStatus.PUBLISHED  # saving does not unpublish
    assert indexed == [("touch", "article", [public_article.pk])] * 2


def test_restore_makes_a_new_version_and_keeps_history(admin_user, public_article):
    services.save_translation(public_article, title="Changed", body_markdown="Wrong text",
                              author=admin_user)
    first = public_article.versions.get(number=1)
    restored = services.restore_version(first, actor=admin_user)
    assert restored.title == "Tracking an order"
    assert restored.body_markdown == first.body_markdown
    history = list(restored.versions.order_by("number").values_list("number", "title"))
    assert history == [(1, "Tracking an order"), (2, "Changed"), (3, "Tracking an order")]
    assert restored.versions.get(number=3).restored_from == 1


def test_a_second_translation_in_the_same_language_is_refused(supervisor, public_article):
    with pytest.raises(Conflict):
        services.save_translation(
            ArticleTranslation(article=public_article.article, locale="en"),
            title="Again", body_markdown="x", author=supervisor)


def test_translation_in_an_unknown_language_is_refused(supervisor, public_article):
    with pytest.raises(InvalidInput):
        services.save_translation(
            ArticleTranslation(article=public_article.article, locale="xx"),
            title="Nope", body_markdown="x", author=supervisor)


def test_translations_of_one_article_are_linked(supervisor, public_article):
    ru = add_translation(public_article, "ru", "Отслеживание заказа", published=False,
                         actor=supervisor)
    assert ru.article_id == public_article.article_id
    assert ru.slug == "отслеживание-заказа"
    assert ru.versions.count() == 1


def test_empty_title_is_refused(supervisor, public_article):
    with pytest.raises(InvalidInput):
        services.save_translation(public_article, title="   ", body_markdown="x",
                                  author=supervisor)
    assert public_article.versions.count() == 1


@pytest.mark.parametrize("role_fixture", ["agent", "engineer"])
def test_only_supervisors_and_admins_change_anything(request, role_fixture, public_article):
    actor = request.getfixturevalue(role_fixture)
    article = public_article.article
    attempts = [
        lambda: services.save_translation(public_article, title="x", body_markdown="y",
                                          author=actor),
        lambda: services.publish(public_article, actor=actor),
        lambda: services.unpublish(public_article, actor=actor),
        lambda: services.restore_version(public_article.versions.get(), actor=actor),
        lambda: services.delete_article(article, actor=actor),
        lambda: services.set_review(article, actor, date(2030, 1, 1), actor=actor),
        lambda: services.change_article(article, ArticleSettings(section=article.section),
                                        actor=actor),
        lambda: services.create_article(ArticleSettings(section=article.section),
                                        locale="en", title="t", body_markdown="b", actor=actor),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()
    public_article.refresh_from_db()
    assert public_article.status == TranslationStatus.PUBLISHED
    assert public_article.versions.count() == 1
    assert Article.objects.count() == 1


def test_publish_and_unpublish(supervisor, indexed):
    t = make_article(published=False, actor=supervisor)
    indexed.clear()
    published = services.publish(t, actor=supervisor)
    assert published.status == TranslationStatus.PUBLISHED
    assert published.published_at is not None
    assert services.unpublish(published, actor=supervisor).status == TranslationStatus.DRAFT
    assert indexed == [("touch", "article", [t.pk])] * 2


def test_an_empty_text_cannot_be_published(supervisor):
    t = make_article(body="  ", published=False, actor=supervisor)
    with pytest.raises(InvalidInput):
        services.publish(t, actor=supervisor)
    t.refresh_from_db()
    assert t.status == TranslationStatus.DRAFT


def test_changing_the_audience_reindexes_every_translation(supervisor, public_article, indexed):
    ru = add_translation(public_article, "ru", "Где мой заказ")
    indexed.clear()
    article = public_article.article
    services.change_article(article, ArticleSettings(section=article.section,
                                                     audience="internal"), actor=supervisor)
    assert indexed == [("touch", "article", sorted([public_article.pk, ru.pk]))] or indexed == [
        ("touch", "article", [ru.pk, public_article.pk])]
    article.refresh_from_db()
    assert article.audience == "internal"


def test_delete_forgets_every_translation(admin_user, public_article, indexed):
    ru = add_translation(public_article, "ru", "Где мой заказ")
    indexed.clear()
    services.delete_article(public_article.article, actor=admin_user)
    assert not Article.objects.exists()
    assert not ArticleVersion.objects.exists()
    assert len(indexed) == 1
    assert indexed[0][0] == "forget"
    assert sorted(indexed[0][2]) == sorted([public_article.pk, ru.pk])


def test_set_review(supervisor, agent, public_article):
    due = date.today() + timedelta(days=90)
    services.set_review(public_article.article, agent, due, actor=supervisor)
    article = Article.objects.get()
    assert (article.owner, article.review_by) == (agent, due)


def test_owner_must_be_an_agent(supervisor, public_article):
    from rapport.accounts.tests.factories import UserFactory

    gone = UserFactory(username="gone", is_active=False)
    with pytest.raises(InvalidInput):
        services.set_review(public_article.article, gone, None, actor=supervisor)


def counts(t):
    t.refresh_from_db()
    return t.helpful_yes, t.helpful_no


def test_one_vote_per_browser_and_a_second_click_changes_it(public_article):
    services.vote(public_article, "browser-a", True)
    services.vote(public_article, "browser-a", True)
    assert counts(public_article) == (1, 0)
    services.vote(public_article, "browser-a", False)
    assert counts(public_article) == (0, 1)
    services.vote(public_article, "browser-b", False)
    services.vote(public_article, "browser-c", True)
    assert counts(public_article) == (1, 2)
    assert HelpfulVote.objects.filter(translation=public_article).count() == 3


def test_votes_only_on_published_public_articles(internal_article, supervisor):
    with pytest.raises(NotFound):
        services.vote(internal_article, "browser-a", True)
    draft = make_article("Draft", published=False)
    with pytest.raises(NotFound):
        services.vote(draft, "browser-a", True)
    assert not HelpfulVote.objects.exists()


def test_a_vote_needs_a_browser_key(public_article):
    with pytest.raises(InvalidInput):
        services.vote(public_article, "", True)


def test_views_are_counted(public_article):
    services.record_view(public_article)
    services.record_view(public_article)
    public_article.refresh_from_db()
    assert public_article.views == 2
