"""Articles in search and where they are suggested: the ticket page, the contact form,
the chat widget; deflection counted when a customer says the article answered them."""

import pytest
from django.test import Client
from django.urls import reverse

from rapport.knowledge.models import Audience
from rapport.knowledge.tests.factories import make_article
from rapport.search.models import Deflection, Kind, SearchDocument
from rapport.search.services import SearchQuery, search
from rapport.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def sop():
    return make_article("Доставка: сроки по регионам",
                        "Сроки доставки: Москва — 1 день, регионы — 3–7 дней.",
                        locale="ru", audience=Audience.INTERNAL)


@pytest.fixture
def refund_zh():
    return make_article("如何申请退款", "在订单页面点击申请退款，五个工作日内退回。",
                        locale="zh-hans")


@pytest.fixture
def refund_en():
    return make_article("How to request a refund", "Open your order and choose **Refund**.")


def kinds_found(actor, text, **kwargs):
    return [(h.kind, h.object_id) for h in search(actor, SearchQuery(text=text, **kwargs)).hits]


def test_an_agent_finds_the_sop_by_another_word_form(agent, sop):
    assert (Kind.ARTICLE, sop.pk) in kinds_found(agent, "доставки")


def test_internal_articles_are_for_agents_only(customer, sop):
    assert kinds_found(customer, "доставки") == []
    assert kinds_found(None, "доставки") == []


def test_a_customer_finds_a_chinese_article_by_two_characters(refund_zh):
    assert kinds_found(None, "退款", kinds=(Kind.ARTICLE,)) == [(Kind.ARTICLE, refund_zh.pk)]


def test_drafts_are_not_found_until_published(agent):
    from rapport.knowledge import services
    from rapport.knowledge.services import IMPORTER

    draft = make_article("Warranty for kettles", "Two years.", published=False)
    assert kinds_found(agent, "kettle") == []
    services.publish(draft, actor=IMPORTER)
    assert kinds_found(agent, "kettle") == [(Kind.ARTICLE, draft.pk)]


def test_deleting_an_article_forgets_it(agent, refund_en):
    from rapport.knowledge import services
    from rapport.knowledge.services import IMPORTER

    services.delete_article(refund_en.article, actor=IMPORTER)
    assert not SearchDocument.objects.filter(kind=Kind.ARTICLE).exists()


def test_the_ticket_page_suggests_articles_from_the_ticket(client, agent, team, customer,
                                                             refund_en, sop):
    ticket = make_ticket(requester=customer, team=team, subject="Refund please",
                         text="I would like a refund for order 5521.")
    client.force_login(agent)
    body = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert "How to request a <mark>refund</mark>" in body
    assert reverse("search:article_insert", args=[refund_en.pk]) in body
    found = client.get(reverse("search:ticket_articles", args=[ticket.pk]), {"q": "сроки"})
    assert "Доставка: <mark>сроки</mark> по регионам" in found.content.decode()


def test_inserting_gives_the_public_link_and_text_but_not_an_sops_text(client, agent, refund_en,
                                                                      sop):
    client.force_login(agent)
    public = client.get(reverse("search:article_insert", args=[refund_en.pk])).json()
    assert public["url"].endswith(reverse("help:article", kwargs={
        "locale": "en", "article_id": refund_en.article_id, "slug": refund_en.slug}))
    assert "Open your order" in public["text"]
    internal = client.get(reverse("search:article_insert", args=[sop.pk])).json()
    assert internal == {"title": sop.title, "url": "", "text": ""}


def test_the_contact_form_suggests_public_articles_while_the_customer_writes(refund_en, sop):
    client = Client()
    assert b"data-article-suggestions" in client.get(reverse("portal:contact")).content
    body = client.get(reverse("search:public_suggestions"),
                      {"q": "How do I get a refund?"}).content.decode()
    assert reverse("search:open_suggestion", args=[refund_en.pk]) in body
    assert "How to request a <mark>refund</mark>" in body
    assert "сроки" not in body


def test_an_opened_suggestion_that_helped_counts_as_a_deflection(refund_en):
    client = Client()
    link = reverse("search:open_suggestion", args=[refund_en.pk])
    response = client.get(link, {"source": "portal", "q": "refund"})
    assert response.status_code == 302
    deflection = Deflection.objects.get()
    assert (deflection.source, deflection.helped) == ("portal", None)
    vote = reverse("help:vote", kwargs={"locale": "en", "article_id": refund_en.article_id,
                                        "slug": refund_en.slug})
    client.post(vote, {"helpful": "yes"})
    deflection.refresh_from_db()
    assert deflection.helped is True


def test_another_browsers_vote_does_not_count_for_this_suggestion(refund_en):
    Client().get(reverse("search:open_suggestion", args=[refund_en.pk]), {"source": "widget"})
    vote = reverse("help:vote", kwargs={"locale": "en", "article_id": refund_en.article_id,
                                        "slug": refund_en.slug})
    Client().post(vote, {"helpful": "yes"})
    assert Deflection.objects.get().helped is None


def test_internal_articles_are_never_opened_as_suggestions(sop):
    response = Client().get(reverse("search:open_suggestion", args=[sop.pk]))
    assert response.status_code == 404


def test_the_widget_suggests_for_its_own_origins_only(refund_en):
    from rapport.channels.chat.models import ChatSite

    site = ChatSite.objects.create(name="Shop", allowed_origins=["https://shop.example"])
    url = reverse("chat_channel:suggest", args=[site.key])
    ours = Client().get(url, {"q": "refund"}, HTTP_ORIGIN="https://shop.example").json()
    assert ours["articles"][0]["title"] == "How to request a refund"
    assert "source=widget" in ours["articles"][0]["url"]
    theirs = Client().get(url, {"q": "refund"}, HTTP_ORIGIN="https://evil.example").json()
    assert theirs == {"articles": []}
    # Rapport's own pages: a same-origin GET carries no Origin header.
    same_origin = Client().get(url, {"q": "refund"}).json()
    assert same_origin["articles"][0]["title"] == "How to request a refund"


def test_the_report_shows_searches_that_found_nothing(client, supervisor):
    client.force_login(supervisor)
    search(None, SearchQuery(text="gift wrapping", source="helpcenter"))
    body = client.get(reverse("search:report")).content.decode()
    assert "gift wrapping" in body


def test_the_results_page_puts_the_best_articles_first(client, agent, team, customer, sop):
    ticket = make_ticket(requester=customer, team=team, subject="Задержка доставки",
                         text="Где доставка?")
    client.force_login(agent)
    body = client.get(reverse("search:results"), {"q": "доставки"}).content.decode()
    article_at = body.index("<mark>Доставка</mark>: сроки по регионам")
    ticket_at = body.index(reverse("tickets:detail", args=[ticket.pk]))
    assert article_at < ticket_at
    quick = client.get(reverse("search:quick"), {"q": "доставки"}).content.decode()
    assert quick.index("<mark>Доставка</mark>: сроки") < quick.index(
        reverse("tickets:detail", args=[ticket.pk]))
