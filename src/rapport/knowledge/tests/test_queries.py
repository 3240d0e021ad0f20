import pytest
from django.contrib.auth.models import AnonymousUser

from rapport.knowledge.models import Article, ArticleTranslation
from rapport.knowledge.queries import (
    agent_article_url,
    public_article_url,
    readable_translations,
    translation_for,
)
from rapport.knowledge.tests.factories import add_translation, make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(public_article, internal_article):
    draft = make_article("Draft", published=False)
    public_draft_ru = add_translation(public_article, "ru", "Черновик", published=False)
    return {"public": public_article, "internal": internal_article, "draft": draft,
            "public draft ru": public_draft_ru}


def titles(actor):
    return set(readable_translations(actor).values_list("title", flat=True))


def test_editors_read_everything(library, supervisor, admin_user):
    everything = {"Tracking an order", "Compensation above the agent limit", "Draft", "Черновик"}
    assert titles(supervisor) == everything
    assert titles(admin_user) == everything


def test_agents_read_published_internal_and_public(library, agent, engineer):
    for actor in (agent, engineer):
        assert titles(actor) == {"Tracking an order", "Compensation above the agent limit"}


def test_customers_and_anonymous_read_published_public_only(library, customer):
    for actor in (customer, AnonymousUser(), None):
        assert titles(actor) == {"Tracking an order"}


def test_an_inactive_agent_reads_like_a_stranger(library, agent):
    agent.is_active = False
    agent.save()
    assert titles(agent) == {"Tracking an order"}


def test_translation_for_prefers_the_locale_then_english_then_any(public_article):
    article: Article = public_article.article
    ru = add_translation(public_article, "ru", "Отслеживание")
    assert translation_for(article, "ru") == ru
    assert translation_for(article, "sr") == public_article
    sr_only = make_article("Само српски", locale="sr")
    zh_draft = add_translation(sr_only, "zh-hans", "草稿", published=False)
    assert translation_for(sr_only.article, "ru") == sr_only
    assert translation_for(sr_only.article, "zh-hans") == sr_only  # drafts do not count
    assert translation_for(sr_only.article, "zh-hans",
                           among=ArticleTranslation.objects.all()) == zh_draft


def test_links(public_article):
    assert public_article_url(public_article) == (
        f"/help/en/articles/{public_article.article_id}-tracking-an-order/")
    assert agent_article_url(public_article) == (
        f"/knowledge/articles/{public_article.article_id}/en/")
