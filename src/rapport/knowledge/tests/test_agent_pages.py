from datetime import date, timedelta

import pytest
from django.urls import reverse

from rapport.knowledge import services
from rapport.knowledge.models import Article, ArticleTranslation, TranslationStatus
from rapport.knowledge.tests.factories import add_translation, make_article, make_section

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_agent(client, agent):
    client.force_login(agent)
    return client


@pytest.fixture
def as_editor(client, supervisor):
    client.force_login(supervisor)
    return client


def page(client, name, *args, **query):
    response = client.get(reverse(name, args=args), query)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_home_lists_by_category_and_section_with_badges(as_agent, public_article,
                                                       internal_article):
    html = page(as_agent, "knowledge:home")
    assert "Orders" in html
    assert "Tracking" in html
    assert "Tracking an order" in html
    assert "Compensation above the agent limit" in html
    assert "Internal (agents only)" in html
    assert "Public (help center)" in html


def test_plain_agents_do_not_see_drafts_editors_do(client, agent, supervisor):
    make_article("Secret draft", published=False)
    client.force_login(agent)
    assert "Secret draft" not in page(client, "knowledge:home")
    client.force_login(supervisor)
    html = page(client, "knowledge:home")
    assert "Secret draft" in html
    assert "Draft" in html


def test_filter_by_language(as_agent, public_article):
    add_translation(public_article, "ru", "Как отследить заказ")
    make_article("Only in English", section=public_article.article.section)
    html = page(as_agent, "knowledge:home", locale="ru", only_locale="on")
    assert "Как отследить заказ" in html
    assert "Only in English" not in html
    html = page(as_agent, "knowledge:home", locale="ru")
    assert "Как отследить заказ" in html
    assert "Only in English" in html
    assert "Tracking an order" not in html  # shown in Russian, where it exists


def test_article_page_shows_the_text_tabs_and_public_link(as_agent, public_article):
    add_translation(public_article, "ru", "Как отследить заказ")
    html = page(as_agent, "knowledge:translation", public_article.article_id, "en")
    assert "<strong>My orders</strong>" in html
    ru_url = reverse("knowledge:translation", args=[public_article.article_id, "ru"])
    assert f'href="{ru_url}"' in html
    public_url = reverse("help:article", args=["en", public_article.article_id,
                                                public_article.slug])
    assert f"http://testserver{public_url}" in html
    assert "Copy link" in html
    assert reverse("knowledge:edit", args=[public_article.article_id, "en"]) not in html


def test_internal_articles_have_no_public_link(as_agent, internal_article):
    html = page(as_agent, "knowledge:translation", internal_article.article_id, "en")
    assert "/help/en/articles/" not in html
    assert "Public link" not in html


def test_article_url_shows_the_best_language(client, supervisor, public_article):
    supervisor.ui_language = "ru"
    supervisor.save()
    add_translation(public_article, "ru", "Как отследить заказ")
    client.force_login(supervisor)
    html = page(client, "knowledge:article", public_article.article_id)
    assert "<h1>Как отследить заказ</h1>" in html


def test_drafts_are_hidden_from_plain_agents(client, agent, supervisor):
    draft = make_article("Draft only", published=False)
    client.force_login(agent)
    url = reverse("knowledge:translation", args=[draft.article_id, "en"])
    assert client.get(url).status_code == 404
    assert client.get(reverse("knowledge:article", args=[draft.article_id])).status_code == 404
    client.force_login(supervisor)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(("name", "args"), [
    ("knowledge:create", ()),
    ("knowledge:edit", ("ARTICLE", "en")),
    ("knowledge:delete", ("ARTICLE",)),
])
def test_plain_agents_cannot_open_the_editors_pages(client, agent, engineer, public_article,
                                                    name, args):
    args = [public_article.article_id if a == "ARTICLE" else a for a in args]
    for user in (agent, engineer):
        client.force_login(user)
        assert client.get(reverse(name, args=args)).status_code == 403


def test_plain_agents_cannot_publish(as_agent):
    draft = make_article("Draft", published=False)
    response = as_agent.post(reverse("knowledge:publish", args=[draft.article_id, "en"]))
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.status == TranslationStatus.DRAFT


def test_editor_creates_an_article(as_editor, supervisor):
    section = make_section()
    response = as_editor.post(reverse("knowledge:create"), {
        "locale": "en", "title": "Lost parcel", "body_markdown": "1. Check\n2. Claim",
        "note": "new", "section": section.pk, "audience": "internal",
        "owner": supervisor.pk, "review_by": "2031-05-01",
    })
    t = ArticleTranslation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("knowledge:translation", args=[t.article_id, "en"])
    assert t.status == TranslationStatus.DRAFT
    assert "<ol>" in t.body_html
    assert (t.article.audience, t.article.owner, t.article.review_by) == (
        "internal", supervisor, date(2031, 5, 1))
    assert t.versions.get().note == "new"


def test_the_editor_form_shows_refusals(as_editor):
    response = as_editor.post(reverse("knowledge:create"), {
        "locale": "en", "title": "   ", "body_markdown": "x", "section": make_section().pk,
        "audience": "internal",
    })
    assert response.status_code == 200
    assert not Article.objects.exists()


def test_editor_saves_text_and_settings_in_one_go(as_editor, public_article):
    article = public_article.article
    response = as_editor.post(reverse("knowledge:edit", args=[article.pk, "en"]), {
        "title": "Tracking your order", "body_markdown": "New **text**", "note": "clearer",
        "section": article.section_id, "audience": "internal", "owner": "", "review_by": "",
    })
    assert response.status_code == 302
    public_article.refresh_from_db()
    assert public_article.title == "Tracking your order"
    assert public_article.versions.count() == 2
    article.refresh_from_db()
    assert article.audience == "internal"


def test_editor_adds_a_translation(as_editor, public_article):
    article = public_article.article
    url = reverse("knowledge:edit", args=[article.pk, "zh-hans"])
    html = page(as_editor, "knowledge:edit", article.pk, "zh-hans")
    assert "Open **My orders**" in html  # the English text to translate from
    response = as_editor.post(url, {
        "title": "如何跟踪订单", "body_markdown": "打开**我的订单**。",
        "section": article.section_id, "audience": "public",
    })
    assert response.status_code == 302
    zh = article.translations.get(locale="zh-hans")
    assert zh.status == TranslationStatus.DRAFT
    assert zh.versions.count() == 1


def test_editor_for_an_unknown_language_is_404(as_editor, public_article):
    url = reverse("knowledge:edit", args=[public_article.article_id, "xx"])
    assert as_editor.get(url).status_code == 404


def test_preview_returns_sanitised_html(as_agent):
    response = as_agent.post(reverse("knowledge:preview"), {
        "body_markdown": "**hi** <script>alert(1)</script> [x](javascript:alert(1))"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<strong>hi</strong>" in html
    assert "<script" not in html
    assert 'href="javascript' not in html


def test_publish_and_unpublish_from_the_page(as_editor):
    draft = make_article("Draft", published=False)
    as_editor.post(reverse("knowledge:publish", args=[draft.article_id, "en"]))
    draft.refresh_from_db()
    assert draft.status == TranslationStatus.PUBLISHED
    as_editor.post(reverse("knowledge:unpublish", args=[draft.article_id, "en"]))
    draft.refresh_from_db()
    assert draft.status == TranslationStatus.DRAFT


def test_publishing_an_empty_text_shows_the_refusal(as_editor):
    draft = make_article("Empty", body="", published=False)
    response = as_editor.post(reverse("knowledge:publish", args=[draft.article_id, "en"]),
                              follow=True)
    assert "Write the article&#x27;s text before publishing it." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == TranslationStatus.DRAFT


def test_history_diff_and_restore(as_editor, supervisor, public_article):
    services.save_translation(public_article, title="Tracking an order",
                              body_markdown="Open **My orders** and choose *Track*.\nCall us.",
                              author=supervisor, note="added a line")
    html = page(as_editor, "knowledge:history", public_article.article_id, "en")
    assert "Version 2" in html
    assert "added a line" in html
    assert "Version 1" in html
    html = page(as_editor, "knowledge:version", public_article.article_id, "en", 2)
    assert "<ins><span class=\"visually-hidden\">added: </span>Call us.</ins>" in html
    assert "<del>" not in html.split("<tbody>")[1]
    response = as_editor.post(reverse("knowledge:restore",
                                      args=[public_article.article_id, "en", 1]))
    assert response.status_code == 302
    public_article.refresh_from_db()
    assert public_article.body_markdown == "Open **My orders** and choose *Track*."
    assert public_article.versions.count() == 3
    html = page(as_editor, "knowledge:version", public_article.article_id, "en", 3)
    assert "<del><span class=\"visually-hidden\">removed: </span>Call us.</del>" in html
    assert "Restored version 1" in page(as_editor, "knowledge:history",
                                        public_article.article_id, "en")
    # The same history, read by someone working in Russian, says it in Russian.
    supervisor.ui_language = "ru"
    supervisor.save(update_fields=["ui_language"])
    assert "Восстановлена версия 1" in page(as_editor, "knowledge:history",
                                            public_article.article_id, "en")


def test_unknown_version_is_404(as_agent, public_article):
    url = reverse("knowledge:version", args=[public_article.article_id, "en", 9])
    assert as_agent.get(url).status_code == 404


def test_delete(as_editor, public_article):
    url = reverse("knowledge:delete", args=[public_article.article_id])
    assert "Delete for good" in as_editor.get(url).content.decode()
    response = as_editor.post(url)
    assert response.status_code == 302
    assert not Article.objects.exists()


def test_needs_review_lists_overdue_and_ownerless_oldest_first(as_agent, agent):
    today = date.today()
    fresh = make_article("Fresh", owner=agent, review_by=today + timedelta(days=30))
    late = make_article("Late", owner=agent, review_by=today - timedelta(days=3),
                        section=fresh.article.section)
    later = make_article("Much later", owner=agent, review_by=today - timedelta(days=40),
                         section=fresh.article.section)
    orphan = make_article("Orphan", section=fresh.article.section)
    html = page(as_agent, "knowledge:needs_review")
    assert "Fresh" not in html
    positions = [html.index(t.title) for t in (orphan, later, late)]
    assert positions == sorted(positions)
    home = page(as_agent, "knowledge:home")
    assert 'data-review-count="3"' in home
    assert "3 articles need review" in home


def test_editor_plans_the_next_review(as_editor, supervisor, public_article):
    response = as_editor.post(reverse("knowledge:review", args=[public_article.article_id]), {
        "owner": supervisor.pk, "review_by": "2032-01-31", "next": "needs_review"})
    assert response["Location"] == reverse("knowledge:needs_review")
    article = Article.objects.get()
    assert (article.owner, article.review_by) == (supervisor, date(2032, 1, 31))


def test_anonymous_visitors_are_sent_to_sign_in(client, public_article):
    response = client.get(reverse("knowledge:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_needs_review_links_plain_agents_to_what_they_may_read(as_agent, agent):
    agent.ui_language = "ru"  # the draft would be the best language for this reader
    agent.save()
    en = make_article("Published English", owner=None)
    add_translation(en, "ru", "Русский черновик", published=False)
    html = page(as_agent, "knowledge:needs_review")
    assert "Published English" in html
    assert "Русский черновик" not in html
