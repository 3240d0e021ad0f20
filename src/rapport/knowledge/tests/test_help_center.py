import re

import pytest
from django.test import Client
from django.urls import reverse

from rapport.knowledge.models import HelpfulVote, KnowledgeLocale
from rapport.knowledge.queries import public_article_url
from rapport.knowledge.tests.factories import add_translation, make_article

pytestmark = pytest.mark.django_db


def get(client, url, **headers):
    response = client.get(url, headers=headers)
    return response, response.content.decode()


@pytest.mark.parametrize(("header", "expected"), [
    ("ru-RU,ru;q=0.9,en;q=0.8", "ru"),
    ("zh-CN,zh;q=0.9", "zh-hans"),
    ("sr-Latn-RS", "sr"),
    ("de-DE,de;q=0.9", "en"),
    ("de;q=0.9,ru;q=0.5,en;q=0.1", "ru"),
    ("ru;q=0,en", "en"),
    ("", "en"),
    ("garbage;;;q=x,,", "en"),
])
def test_the_root_follows_the_browser_language(client, header, expected):
    response = client.get(reverse("help:root"), headers={"accept-language": header})
    assert response.status_code == 302
    assert response["Location"] == reverse("help:home", args=[expected])


def test_a_disabled_language_is_not_offered_and_answers_404(client, public_article):
    KnowledgeLocale.objects.filter(code="ru").update(enabled=False)
    response = client.get(reverse("help:root"), headers={"accept-language": "ru"})
    assert response["Location"] == reverse("help:home", args=["en"])
    ru = add_translation(public_article, "ru", "Как отследить заказ")
    assert client.get(reverse("help:home", args=["ru"])).status_code == 404
    assert client.get(public_article_url(ru)).status_code == 404


def test_unknown_language_is_404(client):
    assert client.get(reverse("help:home", args=["xx"])).status_code == 404


def test_home_lists_only_published_public_articles(client, public_article, internal_article):
    make_article("Unfinished draft", published=False)
    response, html = get(client, reverse("help:home", args=["en"]))
    assert response.status_code == 200
    assert "Tracking an order" in html
    assert "Compensation above the agent limit" not in html
    assert "Unfinished draft" not in html
    assert reverse("portal:contact") in html
    assert reverse("help:search", args=["en"]) in html


def test_home_falls_back_to_english_articles(client, public_article):
    _, html = get(client, reverse("help:home", args=["sr"]))
    assert "Tracking an order" in html
    assert '<html lang="sr">' in html


def test_category_page(client, public_article, internal_article):
    category = public_article.article.section.category
    response, html = get(client, reverse("help:category", args=["en", category.slug]))
    assert response.status_code == 200
    assert "Tracking an order" in html
    assert "Compensation" not in html
    assert client.get(reverse("help:category", args=["en", "nope"])).status_code == 404


def test_a_category_with_only_internal_articles_is_404(client, internal_article):
    slug = internal_article.article.section.category.slug
    assert client.get(reverse("help:category", args=["en", slug])).status_code == 404


def test_article_page_in_its_language_with_links_to_the_others(client, public_article):
    ru = add_translation(public_article, "ru", "Как отследить заказ", "Откройте **Мои заказы**.")
    zh_draft = add_translation(public_article, "zh-hans", "如何跟踪订单", published=False)
    response, html = get(client, public_article_url(ru))
    assert response.status_code == 200
    assert response["Content-Language"] == "ru"
    assert '<html lang="ru">' in html
    assert "<strong>Мои заказы</strong>" in html
    en_url = public_article_url(public_article)
    assert f'<link rel="alternate" hreflang="en" href="http://testserver{en_url}">' in html
    ru_url = public_article_url(ru)
    assert f'<link rel="alternate" hreflang="ru" href="http://testserver{ru_url}">' in html
    assert 'hreflang="zh-hans"' not in html.split("<body")[0]
    assert public_article_url(zh_draft) not in html
    assert f'href="{en_url}" lang="en" hreflang="en">English</a>' in html
    assert reverse("portal:contact") in html


def test_internal_articles_are_404_whatever_the_id_and_locale(client, internal_article):
    for locale in ("en", "ru", "zh-hans", "sr"):
        url = reverse("help:article", args=[locale, internal_article.article_id,
                                            internal_article.slug])
        assert client.get(url).status_code == 404
    vote_url = reverse("help:vote", args=["en", internal_article.article_id,
                                          internal_article.slug])
    assert client.post(vote_url, {"helpful": "yes"}).status_code == 404
    assert not HelpfulVote.objects.exists()


def test_drafts_are_404(client):
    draft = make_article("Not yet", published=False)
    assert client.get(public_article_url(draft)).status_code == 404


def test_a_wrong_slug_redirects_to_the_right_one(client, public_article):
    url = reverse("help:article", args=["en", public_article.article_id, "old-title"])
    response = client.get(url)
    assert response.status_code == 301
    assert response["Location"] == public_article_url(public_article)


def test_unicode_slugs_work(client, public_article):
    zh = add_translation(public_article, "zh-hans", "如何跟踪订单")
    assert zh.slug == "如何跟踪订单"
    assert client.get(public_article_url(zh)).status_code == 200


def test_each_view_is_counted(client, public_article):
    client.get(public_article_url(public_article))
    client.get(public_article_url(public_article))
    public_article.refresh_from_db()
    assert public_article.views == 2


def test_vote_without_javascript(public_article):
    browser = Client(enforce_csrf_checks=True)
    response, html = get(browser, public_article_url(public_article))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    vote_url = reverse("help:vote", args=["en", public_article.article_id, public_article.slug])
    response = browser.post(vote_url, {"helpful": "yes", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert response["Location"] == public_article_url(public_article) + "#feedback"
    _, html = get(browser, response["Location"])
    assert "Thank you for your feedback" in html
    assert 'value="yes" aria-pressed="true"' in html
    browser.post(vote_url, {"helpful": "yes", "csrfmiddlewaretoken": token})
    public_article.refresh_from_db()
    assert (public_article.helpful_yes, public_article.helpful_no) == (1, 0)
    browser.post(vote_url, {"helpful": "no", "csrfmiddlewaretoken": token})
    public_article.refresh_from_db()
    assert (public_article.helpful_yes, public_article.helpful_no) == (0, 1)
    # Another browser counts on its own.
    Client().post(vote_url, {"helpful": "yes"})
    public_article.refresh_from_db()
    assert (public_article.helpful_yes, public_article.helpful_no) == (1, 1)
    assert HelpfulVote.objects.count() == 2


def test_a_vote_needs_the_csrf_token(public_article):
    vote_url = reverse("help:vote", args=["en", public_article.article_id, public_article.slug])
    response = Client(enforce_csrf_checks=True).post(vote_url, {"helpful": "yes"})
    assert response.status_code == 403
    assert not HelpfulVote.objects.exists()


def test_a_vote_from_javascript_gets_the_box_back(client, public_article):
    vote_url = reverse("help:vote", args=["en", public_article.article_id, public_article.slug])
    response = client.post(vote_url, {"helpful": "no"}, headers={"X-Help-Fragment": "feedback"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="feedback"')
    assert "We'll use it to improve this article" in html


def test_voting_keeps_no_session_key_in_the_database(client, public_article):
    vote_url = reverse("help:vote", args=["en", public_article.article_id, public_article.slug])
    client.post(vote_url, {"helpful": "yes"})
    key = client.session.session_key
    assert key
    assert HelpfulVote.objects.get().voter_key != key
    assert key not in HelpfulVote.objects.get().voter_key


def test_an_invalid_vote_is_refused(client, public_article):
    vote_url = reverse("help:vote", args=["en", public_article.article_id, public_article.slug])
    assert client.post(vote_url, {"helpful": "maybe"}).status_code == 400
    assert client.get(vote_url).status_code == 405


def test_pages_speak_the_url_language_whatever_the_session(client, public_article):
    session = client.session
    session["portal_language"] = "ru"
    session.save()
    response = client.get(reverse("help:home", args=["en"]))
    assert '<html lang="en">' in response.content.decode()


def test_search_finds_public_articles_only(client, public_article, internal_article):
    url = reverse("help:search", args=["en"])
    _, html = get(client, url + "?q=tracking")
    assert public_article_url(public_article) in html
    assert "1 article found" in html
    _, html = get(client, url + "?q=supervisor")
    assert "Compensation" not in html
    assert "0 articles found" in html


def test_search_in_another_language(client, public_article):
    ru = add_translation(public_article, "ru", "Как отследить заказ", "Откройте раздел заказов.")
    _, html = get(client, reverse("help:search", args=["ru"]) + "?q=заказ")
    assert public_article_url(ru) in html
    assert public_article_url(public_article) not in html


def test_search_without_words_and_bad_pages(client):
    url = reverse("help:search", args=["en"])
    response, html = get(client, url)
    assert response.status_code == 200
    assert "Type a few words" in html
    assert client.get(url + "?q=x&page=0").status_code == 404
    assert client.get(url + "?q=x&page=abc").status_code == 404
