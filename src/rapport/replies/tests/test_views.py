"""The management pages and the picker's endpoints, through the test client."""

import pytest
from django.test import Client
from django.urls import reverse

from rapport.replies.models import CannedReply, ReplyFolder, ReplyUse
from rapport.replies.tests.factories import make_reply
from rapport.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def form_data(**changes):
    data = {"title": "Parcel found", "shortcut": "found", "folder": "", "default_language": "en",
            "text_en": "Hi {{ customer.first_name }}, we found it.", "text_ru": "",
            "text_zh-hans": "", "text_sr": "", "other_language": "", "other_text": ""}
    return {**data, **changes}


# --- The list --------------------------------------------------------------------------

def test_the_list_shows_shared_and_own_replies_but_never_anothers(agent, other_agent):
    folder = ReplyFolder.objects.create(name="Orders")
    make_reply(title="Shared status", folder=folder)
    make_reply(title="My own note", owner=agent)
    make_reply(title="Boris private", owner=other_agent)
    html = signed_in(agent).get(reverse("replies:list")).content.decode()
    assert "Shared status" in html
    assert "Orders" in html
    assert "My own note" in html
    assert "Boris private" not in html


def test_the_list_searches_titles_shortcuts_and_texts_without_accents(agent):
    make_reply(title="Ёлка delivered", texts={"en": "Your tree is here"}, owner=agent)
    make_reply(title="Refund", shortcut="money-back", owner=agent)
    make_reply(title="Kafić", texts={"en": "Кафа је стигла"}, owner=agent)
    client = signed_in(agent)

    def titles(q):
        html = client.get(reverse("replies:list"), {"q": q}).content.decode()
        return {t for t in ("Ёлка delivered", "Refund", "Kafić") if t in html}

    assert titles("елка") == {"Ёлка delivered"}
    assert titles("MONEY") == {"Refund"}
    assert titles("kafic") == {"Kafić"}
    assert titles("КАФА") == {"Kafić"}


def test_the_list_shows_usage_counts(agent, ticket):
    reply = make_reply(owner=agent)
    client = signed_in(agent)
    client.post(reverse("replies:insert", args=[ticket.pk]), {"reply": reply.pk})
    html = client.get(reverse("replies:list")).content.decode()
    assert f'<tr data-reply="{reply.pk}">' in html
    assert '<td data-uses>1</td>' in html


# --- Create, edit, delete ---------------------------------------------------------------

def test_an_agent_creates_a_personal_reply_in_several_languages(agent):
    response = signed_in(agent).post(reverse("replies:create"), form_data(
        text_ru="Привет, {{ customer.first_name }}!", other_language="de",
        other_text="Hallo {{ customer.first_name }}"))
    assert response.status_code == 302
    reply = CannedReply.objects.get()
    assert reply.owner == agent
    assert set(reply.variants.values_list("language", flat=True)) == {"en", "ru", "de"}


def test_an_agents_form_cannot_make_a_shared_reply(agent):
    signed_in(agent).post(reverse("replies:create"), form_data(shared="on"))
    assert CannedReply.objects.get().owner == agent  # the field is not on their form


def test_a_supervisor_creates_a_shared_reply(supervisor):
    folder = ReplyFolder.objects.create(name="Orders")
    signed_in(supervisor).post(reverse("replies:create"),
                               form_data(shared="on", folder=str(folder.pk)))
    reply = CannedReply.objects.get()
    assert reply.owner is None
    assert reply.folder == folder


def test_an_invalid_placeholder_is_shown_on_the_form(agent):
    response = signed_in(agent).post(reverse("replies:create"), form_data(
        text_ru="Ваш ключ: {{ settings.SECRET_KEY }}"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "{{ settings.SECRET_KEY }}" in html
    assert "is not a placeholder you can use" in html
    assert not CannedReply.objects.exists()


def test_statements_and_missing_texts_are_form_errors(agent):
    client = signed_in(agent)
    html = client.post(reverse("replies:create"),
                       form_data(text_en="{% for x in y %}{% endfor %}")).content.decode()
    assert "are not allowed" in html
    html = client.post(reverse("replies:create"), form_data(text_en="")).content.decode()
    assert "at least one language" in html
    assert not CannedReply.objects.exists()


def test_the_form_offers_languages_already_in_use(agent):
    make_reply(owner=agent, texts={"en": "Hi", "pt-br": "Olá"})
    html = signed_in(agent).get(reverse("replies:create")).content.decode()
    assert 'name="text_pt-br"' in html
    for code in ("en", "ru", "zh-hans", "sr"):
        assert f'name="text_{code}"' in html


def test_the_form_lists_the_placeholders(agent):
    html = signed_in(agent).get(reverse("replies:create")).content.decode()
    for name in ("customer.first_name", "ticket.number", "brand.name", "company.name"):
        assert f'data-insert-placeholder="{name}"' in html


def test_editing_keeps_what_was_not_changed_and_removes_emptied_texts(agent):
    reply = make_reply(owner=agent, texts={"en": "Hi", "ru": "Привет"})
    client = signed_in(agent)
    page = client.get(reverse("replies:edit", args=[reply.pk])).content.decode()
    assert "Привет" in page
    client.post(reverse("replies:edit", args=[reply.pk]), form_data(title="Renamed"))
    reply.refresh_from_db()
    assert reply.title == "Renamed"
    assert list(reply.variants.values_list("language", flat=True)) == ["en"]


def test_others_personal_replies_do_not_exist_and_shared_ones_are_refused(agent, other_agent,
                                                                         supervisor):
    theirs = make_reply(owner=other_agent)
    shared = make_reply()
    client = signed_in(agent)
    assert client.get(reverse("replies:edit", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("replies:delete", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("replies:edit", args=[shared.pk])).status_code == 403
    assert client.post(reverse("replies:delete", args=[shared.pk])).status_code == 403
    assert signed_in(supervisor).get(
        reverse("replies:edit", args=[theirs.pk])).status_code == 404
    assert CannedReply.objects.count() == 2


def test_an_agent_deletes_their_own_reply(agent):
    reply = make_reply(owner=agent)
    response = signed_in(agent).post(reverse("replies:delete", args=[reply.pk]))
    assert response.status_code == 302
    assert not CannedReply.objects.exists()


def test_the_preview_fills_in_a_sample_ticket(agent):
    response = signed_in(agent).post(reverse("replies:preview"), form_data(
        text_en="Hi {{ customer.first_name }}, #{{ ticket.number }}",
        text_ru="{{ settings.DEBUG }}"))
    html = response.content.decode()
    assert "Hi Maria, #1042" in html
    assert "{{ settings.DEBUG }}" in html
    assert "is not a placeholder you can use" in html
    assert not CannedReply.objects.exists()


def test_folders_agents_make_personal_ones_supervisors_shared_ones(agent, supervisor):
    signed_in(agent).post(reverse("replies:folder_create"), {"name": "Mine", "shared": "on"})
    signed_in(supervisor).post(reverse("replies:folder_create"),
                               {"name": "Orders", "position": "3", "shared": "on"})
    assert ReplyFolder.objects.get(name="Mine").owner == agent
    orders = ReplyFolder.objects.get(name="Orders")
    assert orders.owner is None
    assert orders.position == 3
    client = signed_in(agent)
    assert client.get(reverse("replies:folder_edit", args=[orders.pk])).status_code == 403
    assert client.post(reverse("replies:folder_delete", args=[orders.pk])).status_code == 403
    mine = ReplyFolder.objects.get(name="Mine")
    assert signed_in(supervisor).get(
        reverse("replies:folder_edit", args=[mine.pk])).status_code == 404


# --- The picker's endpoints ------------------------------------------------------------

def suggested(client, ticket, q=""):
    response = client.get(reverse("replies:suggest", args=[ticket.pk]), {"q": q})
    assert response.status_code == 200
    return response.json()["replies"]


def test_suggestions_are_shared_and_own_replies_only(agent, other_agent, ticket):
    make_reply(title="Shared one")
    make_reply(title="Mine", owner=agent)
    make_reply(title="Boris only", owner=other_agent)
    titles = {r["title"] for r in suggested(signed_in(agent), ticket)}
    assert titles == {"Shared one", "Mine"}


def test_suggestions_match_in_any_script_without_case_or_accents(agent, ticket):
    make_reply(title="Refund issued", shortcut="refund",
               texts={"en": "Money back", "ru": "Возврат оформлен", "zh-hans": "退款已处理"})
    make_reply(title="Café voucher", texts={"en": "A voucher"})
    make_reply(title="Exchange", texts={"en": "New size"})
    client = signed_in(agent)
    assert [r["title"] for r in suggested(client, ticket, "REFU")] == ["Refund issued"]
    assert [r["title"] for r in suggested(client, ticket, "возвр")] == ["Refund issued"]
    assert [r["title"] for r in suggested(client, ticket, "退款")] == ["Refund issued"]
    assert [r["title"] for r in suggested(client, ticket, "cafe")] == ["Café voucher"]
    assert len(suggested(client, ticket, "")) == 3


def test_a_matching_shortcut_comes_first(agent, ticket):
    make_reply(title="About exchanges and refunds", texts={"en": "x"})
    make_reply(title="Money back", shortcut="refund", texts={"en": "y"})
    titles = [r["title"] for r in suggested(signed_in(agent), ticket, "refund")]
    assert titles == ["Money back", "About exchanges and refunds"]


def test_suggestions_say_which_language_would_be_used(agent, customer, team):
    ticket = make_ticket(requester=customer, team=team, language="ru")
    make_reply(texts={"en": "Hello", "ru": "Здравствуйте"})
    [reply] = suggested(signed_in(agent), ticket)
    assert reply["language"] == "ru"
    assert {v["language"]: v["snippet"] for v in reply["variants"]} == {
        "en": "Hello", "ru": "Здравствуйте"}


def test_a_hidden_ticket_answers_404(agent, other_team):
    hidden = make_ticket(team=other_team)
    reply = make_reply()
    client = signed_in(agent)
    assert client.get(reverse("replies:suggest", args=[hidden.pk])).status_code == 404
    response = client.post(reverse("replies:insert", args=[hidden.pk]), {"reply": reply.pk})
    assert response.status_code == 404
    assert not ReplyUse.objects.exists()


def test_insert_answers_the_rendered_text_and_counts_once(agent, customer, team):
    ticket = make_ticket(requester=customer, team=team, language="ru")
    reply = make_reply(texts={
        "en": "Hello {{ customer.first_name }}",
        "ru": "Здравствуйте, {{ customer.first_name }}! #{{ ticket.number }}",
    })
    response = signed_in(agent).post(reverse("replies:insert", args=[ticket.pk]),
                                     {"reply": reply.pk})
    assert response.status_code == 200
    assert response.json() == {"text": f"Здравствуйте, Ivan! #{ticket.pk}", "language": "ru"}
    reply.refresh_from_db()
    assert reply.usage_count == 1 == ReplyUse.objects.count()


def test_insert_refuses_anothers_reply_and_a_bad_text_without_crashing(agent, other_agent,
                                                                      ticket):
    client = signed_in(agent)
    theirs = make_reply(owner=other_agent)
    url = reverse("replies:insert", args=[ticket.pk])
    assert client.post(url, {"reply": theirs.pk}).status_code == 404
    assert client.post(url, {"reply": "nope"}).status_code == 404
    broken = make_reply()
    broken.variants.update(body="{{ cycler.__init__.__globals__ }}")
    response = client.post(url, {"reply": broken.pk})
    assert response.status_code == 400
    assert response.json()["code"] == "reply_template_refused"
    assert not ReplyUse.objects.exists()


def test_the_ticket_page_has_the_tool(agent, ticket):
    html = signed_in(agent).get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert "data-replies-tool" in html
    assert reverse("replies:suggest", args=[ticket.pk]) in html
    assert "replies/picker.js" in html
