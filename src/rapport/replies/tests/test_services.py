"""The verbs: who may save what, texts kept in step, and each insertion counted once."""

import pytest

from rapport.core.errors import InvalidInput, NotFound, PermissionDenied
from rapport.replies.models import CannedReply, ReplyFolder, ReplyUse
from rapport.replies.rendering import TemplateRefused
from rapport.replies.services import (
    ReplyDraft,
    delete_folder,
    delete_reply,
    insert_reply,
    save_folder,
    save_reply,
)
from rapport.replies.tests.factories import make_reply
from rapport.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db


def draft(**changes):
    values = {"title": "Refund issued", "default_language": "en",
              "texts": {"en": "Hi {{ customer.first_name }}", "ru": "Привет"}}
    return ReplyDraft(**{**values, **changes})


def test_an_agent_saves_a_personal_reply_with_its_texts(agent):
    reply = save_reply(draft(shortcut="/Refund"), actor=agent)
    assert reply.owner == agent
    assert reply.shortcut == "Refund"
    assert dict(reply.variants.values_list("language", "body")) == {
        "en": "Hi {{ customer.first_name }}", "ru": "Привет"}
    assert "привет" in reply.search_folded
    assert "refund" in reply.search_folded


def test_saving_again_replaces_the_texts(agent):
    reply = save_reply(draft(), actor=agent)
    save_reply(draft(texts={"en": "New text", "sr": "Нови текст", "ru": "  "}), actor=agent,
               reply=reply)
    assert dict(reply.variants.values_list("language", "body")) == {
        "en": "New text", "sr": "Нови текст"}
    assert "привет" not in CannedReply.objects.get(pk=reply.pk).search_folded


def test_only_supervisors_and_admins_make_shared_replies(agent, engineer, supervisor,
                                                         admin_user):
    for user in (agent, engineer):
        with pytest.raises(PermissionDenied):
            save_reply(draft(shared=True), actor=user)
    assert save_reply(draft(shared=True), actor=supervisor).owner is None
    assert save_reply(draft(shared=True), actor=admin_user).owner is None


def test_an_agent_cannot_change_a_shared_or_anothers_reply(agent, other_agent, supervisor):
    shared = make_reply()
    theirs = make_reply(owner=other_agent)
    for reply in (shared, theirs):
        with pytest.raises(PermissionDenied):
            save_reply(draft(), actor=agent, reply=reply)
        with pytest.raises(PermissionDenied):
            delete_reply(reply, actor=agent)
    with pytest.raises(PermissionDenied):
        delete_reply(theirs, actor=supervisor)  # personal means personal
    delete_reply(shared, actor=supervisor)
    assert not CannedReply.objects.filter(pk=shared.pk).exists()


def test_invalid_texts_are_refused(agent):
    with pytest.raises(TemplateRefused):
        save_reply(draft(texts={"en": "{{ settings.SECRET_KEY }}"}), actor=agent)
    with pytest.raises(InvalidInput):
        save_reply(draft(texts={"en": "   "}), actor=agent)
    with pytest.raises(InvalidInput):
        save_reply(draft(texts={"ru": "Привет"}), actor=agent)  # nothing in the default
    assert not CannedReply.objects.exists()


def test_folders_the_reply_may_go_in(agent, other_agent, supervisor):
    shared = save_folder(actor=supervisor, name="Orders", shared=True)
    mine = save_folder(actor=agent, name="Mine")
    theirs = save_folder(actor=other_agent, name="Theirs")
    assert save_reply(draft(folder=shared), actor=agent).folder == shared
    assert save_reply(draft(folder=mine), actor=agent).folder == mine
    with pytest.raises(NotFound):
        save_reply(draft(folder=theirs), actor=agent)
    supervisors_own = save_folder(actor=supervisor, name="Personal")
    with pytest.raises(InvalidInput):
        save_reply(draft(folder=supervisors_own, shared=True), actor=supervisor)


def test_folder_rights_and_deleting_keeps_the_replies(agent, supervisor):
    with pytest.raises(PermissionDenied):
        save_folder(actor=agent, name="Shared", shared=True)
    folder = save_folder(actor=supervisor, name="Shared", shared=True)
    with pytest.raises(PermissionDenied):
        save_folder(actor=agent, name="Renamed", folder=folder)
    with pytest.raises(PermissionDenied):
        delete_folder(folder, actor=agent)
    reply = make_reply(folder=folder)
    delete_folder(folder, actor=supervisor)
    reply.refresh_from_db()
    assert reply.folder is None
    assert not ReplyFolder.objects.exists()


def test_each_insertion_is_counted_once(ticket, agent):
    reply = make_reply()
    inserted = insert_reply(reply, ticket=ticket, agent=agent)
    assert inserted.text == f"Hello {ticket.requester.first_name}, your refund is on its way."
    reply.refresh_from_db()
    assert reply.usage_count == 1
    assert reply.last_used_at is not None
    use = ReplyUse.objects.get()
    assert (use.agent, use.ticket, use.language) == (agent, ticket, "en")
    insert_reply(reply, ticket=ticket, agent=agent)
    reply.refresh_from_db()
    assert reply.usage_count == ReplyUse.objects.count() == 2


def test_no_insertion_into_a_hidden_ticket_or_from_anothers_reply(agent, other_agent,
                                                                  other_team, ticket):
    hidden = make_ticket(team=other_team)
    with pytest.raises(NotFound):
        insert_reply(make_reply(), ticket=hidden, agent=agent)
    with pytest.raises(NotFound):
        insert_reply(make_reply(owner=other_agent), ticket=ticket, agent=agent)
    assert not ReplyUse.objects.exists()


def test_a_text_that_slipped_past_the_check_is_not_run_nor_counted(ticket, agent):
    reply = make_reply()
    reply.variants.update(body="{{ ''.__class__.__mro__ }}")
    with pytest.raises(TemplateRefused):
        insert_reply(reply, ticket=ticket, agent=agent)
    reply.refresh_from_db()
    assert reply.usage_count == 0
    assert not ReplyUse.objects.exists()
