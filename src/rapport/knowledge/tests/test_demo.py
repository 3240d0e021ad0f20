from datetime import date

import pytest

from rapport.knowledge.demo import install_demo_knowledge
from rapport.knowledge.models import (
    Article,
    ArticleTranslation,
    ArticleVersion,
    Audience,
    Category,
    TranslationStatus,
)
from rapport.knowledge.queries import needing_review

pytestmark = pytest.mark.django_db

CATEGORY_NAMES = {"Orders & delivery", "Returns & refunds", "Billing", "Account",
                  "Troubleshooting", "Internal procedures"}


@pytest.fixture
def installed(supervisor, admin_user):
    return install_demo_knowledge()


def test_installs_idempotently(installed):
    counts = (Article.objects.count(), ArticleTranslation.objects.count(),
              ArticleVersion.objects.count(), Category.objects.count())
    assert install_demo_knowledge() == installed
    assert (Article.objects.count(), ArticleTranslation.objects.count(),
            ArticleVersion.objects.count(), Category.objects.count()) == counts
    assert installed == Article.objects.count() >= 14


def test_categories_and_both_audiences(installed):
    assert {c.name_in("en") for c in Category.objects.all()} == CATEGORY_NAMES
    assert Article.objects.filter(audience=Audience.INTERNAL).count() >= 6
    assert Article.objects.filter(audience=Audience.PUBLIC).count() >= 8
    assert not ArticleTranslation.objects.exclude(status=TranslationStatus.PUBLISHED).exists()
    internal = Category.objects.get(slug="internal")
    assert not Article.objects.filter(section__category=internal, audience="public").exists()


def test_most_articles_are_in_all_four_languages(installed):
    four = {"en", "ru", "zh-hans", "sr"}
    full = [a for a in Article.objects.all()
            if set(a.translations.values_list("locale", flat=True)) == four]
    assert len(full) > Article.objects.count() / 2


def test_texts_are_substantial_with_lists_and_tables(installed):
    for t in ArticleTranslation.objects.all():
        assert t.body_markdown.count("\n\n") >= 5, t  # several paragraphs and blocks
        assert "<li>" in t.body_html, t
    assert ArticleTranslation.objects.filter(body_html__contains="<table>").count() >= 10


def test_the_required_articles(installed):
    ru_sop = ArticleTranslation.objects.get(locale="ru", title__startswith="Доставка:",
                                            article__audience="internal")
    assert "сроки доставки" in ru_sop.body_markdown
    assert ArticleTranslation.objects.filter(
        locale="zh-hans", title="如何申请退款", article__audience="public").exists()
    sr = ArticleTranslation.objects.filter(locale="sr", body_markdown__contains="достава")
    assert sr.exists()
    assert all(not any("a" <= ch.lower() <= "z" for ch in t.title) for t in sr)


def test_owners_and_review_dates_some_overdue(installed, supervisor, admin_user):
    assert not Article.objects.filter(owner__isnull=True).exists()
    assert not Article.objects.filter(review_by__isnull=True).exists()
    overdue = needing_review(supervisor)
    assert 1 <= overdue.count() <= 3
    assert all(a.review_by < date.today() for a in overdue)


def test_demo_articles_are_searchable(installed, client):
    from django.urls import reverse

    from rapport.knowledge.queries import public_article_url

    refund = ArticleTranslation.objects.get(locale="zh-hans", title="如何申请退款")
    html = client.get(reverse("help:search", args=["zh-hans"]) + "?q=退款").content.decode()
    assert public_article_url(refund) in html
    assert "<mark>退款</mark>" in html
