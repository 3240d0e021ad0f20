"""Files in the chat: the visitor's upload (CORS, token, once-only, the attachment rules
of every other channel, rate limit) and the visitor-only download of a chat's files."""

from __future__ import annotations

import asyncio

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from rapport.channels.chat import services, uploads
from rapport.channels.chat.models import ChatSite, ChatVisitor
from rapport.channels.chat.realtime import conversation_group
from rapport.channels.chat.tests.helpers import ORIGIN
from rapport.channels.chat.visitors import visitor_token
from rapport.core.errors import InvalidInput
from rapport.tickets import services as tickets
from rapport.tickets.attachments import IncomingFile, stored_content_type, validate_files
from rapport.tickets.models import Attachment, Direction, Message

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def site(team):
    return ChatSite.objects.create(name="Shop", allowed_origins=[ORIGIN], team=team)


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()


def _visitor(site, *, chatting=True, email="marta@example.test"):
    visitor = ChatVisitor.objects.create(site=site)
    conversation = None
    if chatting:
        conversation, _ = services.open_conversation(
            site, visitor, text="My parcel is late.", client_id="first", email=email
        )
    return visitor, visitor_token(visitor), conversation


def _upload(client, site, token, *, name="parcel.png", content=PNG, content_type="image/png",
            origin=ORIGIN, lang="en", **fields):
    data = {"file": SimpleUploadedFile(name, content, content_type=content_type), **fields}
    headers = {}
    if origin:
        headers["Origin"] = origin
    if token is not None:
        headers["X-Rapport-Chat-Token"] = token
    return client.post(f"/chat/sites/{site.key}/upload?lang={lang}", data, headers=headers)


def _download(client, url, token):
    return client.get(url, {"token": token} if token is not None else {})


def _body(response) -> bytes:
    # Reading to the end closes the file (the test client closes a streamed response then).
    return b"".join(response.streaming_content)


async def _next_event(layer, channel):
    return await asyncio.wait_for(layer.receive(channel), timeout=5)


def test_an_upload_is_one_customer_message_with_its_file_published_to_the_chat(
    client, site, django_capture_on_commit_callbacks, monkeypatch
):
    visitor, token, conversation = _visitor(site)
    published = []
    monkeypatch.setattr(uploads, "publish_on_commit",
                        lambda groups, event: published.append((groups, event)))

    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, site, token, client_id="u1", text="The label, torn.")

    assert response.status_code == 201
    assert response["Access-Control-Allow-Origin"] == ORIGIN
    frame = response.json()
    message = Message.objects.get(ticket=conversation.ticket, seq=frame["seq"])
    assert (message.direction, message.channel, message.body_text) == (
        Direction.INBOUND, "chat", "The label, torn."
    )
    assert message.author_customer_id == visitor.customer_id
    attachment = message.attachments.get()
    assert (attachment.filename, attachment.content_type, attachment.size) == (
        "parcel.png", "image/png", len(PNG)
    )
    assert frame["author"] == "visitor"
    assert frame["client_id"] == "u1"
    assert frame["attachments"] == [{
        "name": "parcel.png", "size": len(PNG),
        "url": f"/chat/sites/{site.key}/files/{attachment.public_id}",
    }]
    assert published == [([conversation_group(conversation.pk)],
                          {"type": "chat.frame", "frame": frame})]


def test_a_resend_with_the_same_client_id_is_stored_once(client, site):
    _, token, conversation = _visitor(site)
    first = _upload(client, site, token, client_id="same")
    again = _upload(client, site, token, client_id="same")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["seq"] == again.json()["seq"]
    assert Attachment.objects.filter(message__ticket=conversation.ticket).count() == 1
    # Without a client id nothing is deduplicated; a too long one is refused.
    assert _upload(client, site, token).status_code == 201
    assert _upload(client, site, token).status_code == 201
    assert _upload(client, site, token, client_id="x" * 65).json()["code"] == "invalid"
    assert Attachment.objects.filter(message__ticket=conversation.ticket).count() == 3


def test_only_the_sites_own_pages_may_upload(client, site):
    _, token, conversation = _visitor(site)
    preflight = client.options(f"/chat/sites/{site.key}/upload", headers={"Origin": ORIGIN})
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == ORIGIN
    assert "X-Rapport-Chat-Token" in preflight["Access-Control-Allow-Headers"]
    foreign = client.options(f"/chat/sites/{site.key}/upload",
                             headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in foreign

    for origin in ("https://evil.example", None):
        refused = _upload(client, site, token, origin=origin)
        assert refused.status_code == 403
        assert refused.json()["code"] == "origin_not_allowed"
        assert "Access-Control-Allow-Origin" not in refused
    assert not Attachment.objects.filter(message__ticket=conversation.ticket).exists()


def test_a_missing_forged_or_foreign_token_is_refused(client, site, team):
    _visitor(site)
    other_site = ChatSite.objects.create(name="Other", allowed_origins=[ORIGIN], team=team)
    _, foreign_token, _ = _visitor(other_site, email="olga@example.test")
    for token in (None, "", "forged:token", foreign_token):
        response = _upload(client, site, token)
        assert response.status_code == 403, token
        assert response.json()["code"] == "invalid_token"
        assert response["Access-Control-Allow-Origin"] == ORIGIN  # the widget can read why
    assert not Attachment.objects.exists()


def test_no_upload_without_a_current_chat(client, site):
    _, token, _ = _visitor(site, chatting=False)
    response = _upload(client, site, token)
    assert (response.status_code, response.json()["code"]) == (409, "not_started")

    _, token, conversation = _visitor(site, email="olga@example.test")
    services.end_conversation(conversation)
    response = _upload(client, site, token, lang="ru")
    assert (response.status_code, response.json()["code"]) == (409, "ended")
    assert response.json()["message"] == "Этот чат завершён."
    assert not Attachment.objects.exists()


def test_a_file_over_the_limit_is_refused_with_the_same_check_as_elsewhere(
    client, site, settings
):
    settings.RAPPORT_MAX_ATTACHMENT_BYTES = 2**20
    _, token, conversation = _visitor(site)
    too_big = b"x" * (2**20 + 1)
    with pytest.raises(InvalidInput) as elsewhere:
        validate_files([IncomingFile("big.bin", too_big)])

    response = _upload(client, site, token, name="big.bin", content=too_big,
                       content_type="application/octet-stream")
    assert response.status_code == 413
    assert response.json() == {"code": "file_too_large", "message": elsewhere.value.message}
    assert response["Access-Control-Allow-Origin"] == ORIGIN

    translated = _upload(client, site, token, name="big.bin", content=too_big, lang="ru")
    assert translated.json()["message"] == "Файл big.bin больше 1 МБ."

    # A body larger than any valid upload is refused before it is parsed.
    settings.RAPPORT_MAX_ATTACHMENTS_PER_MESSAGE = 1
    huge = _upload(client, site, token, name="huge.bin", content=b"x" * (2**20 + 70_000))
    assert (huge.status_code, huge.json()["code"]) == (413, "file_too_large")
    assert huge.json()["message"] == "The file is larger than 1 MB."

    at_the_limit = _upload(client, site, token, name="ok.bin", content=b"x" * 2**20)
    assert at_the_limit.status_code == 201
    assert Attachment.objects.filter(message__ticket=conversation.ticket).count() == 1


def test_too_many_files_or_an_empty_one_or_none_are_refused(client, site, settings):
    settings.RAPPORT_MAX_ATTACHMENTS_PER_MESSAGE = 2
    _, token, _ = _visitor(site)
    headers = {"Origin": ORIGIN, "X-Rapport-Chat-Token": token}
    url = f"/chat/sites/{site.key}/upload"
    def files(n):
        return [SimpleUploadedFile(f"f{i}.txt", b"hello") for i in range(n)]

    response = client.post(url, {"file": files(3)}, headers=headers)
    assert (response.status_code, response.json()["code"]) == (400, "too_many_files")
    two = client.post(url, {"file": files(2)}, headers=headers)
    assert two.status_code == 201
    assert [f["name"] for f in two.json()["attachments"]] == ["f0.txt", "f1.txt"]

    empty = _upload(client, site, token, name="empty.txt", content=b"")
    assert (empty.status_code, empty.json()["code"]) == (400, "empty")
    none = client.post(url, {"text": "no file"}, headers=headers)
    assert (none.status_code, none.json()["code"]) == (400, "no_file")
    long_caption = _upload(client, site, token, text="x" * (services.MAX_TEXT_CHARS + 1))
    assert (long_caption.status_code, long_caption.json()["code"]) == (400, "too_long")


def test_a_dangerous_type_is_stored_and_served_as_everywhere_else(client, site):
    _, token, _ = _visitor(site)
    page = b"<html><script>alert(document.cookie)</script></html>"
    for name, declared in (("invoice.html", "text/html"), ("photo.png", "image/png")):
        response = _upload(client, site, token, name=name, content=page, content_type=declared)
        assert response.status_code == 201
        attachment = Attachment.objects.get(filename=name)
        assert attachment.content_type == stored_content_type(declared, page)
        assert attachment.content_type == "application/octet-stream"
        served = _download(client, response.json()["attachments"][0]["url"], token)
        assert served.status_code == 200
        assert served["Content-Type"] == "application/octet-stream"
        assert served["Content-Disposition"].startswith("attachment;")
        assert served["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in served["Content-Security-Policy"]
        assert _body(served) == page


def test_only_the_visitor_of_the_chat_can_download_its_files(client, site, team):
    _, token, _ = _visitor(site)
    _, other_token, _ = _visitor(site, email="olga@example.test")
    url = _upload(client, site, token).json()["attachments"][0]["url"]

    mine = _download(client, url, token)
    assert mine.status_code == 200
    assert mine["Content-Type"] == "image/png"
    assert mine["Content-Disposition"].startswith("inline;")  # a real image
    assert mine["Cache-Control"] == "private, no-store"
    assert mine["Referrer-Policy"] == "no-referrer"
    assert _body(mine) == PNG

    assert _download(client, url, other_token).status_code == 404
    assert _download(client, url, None).status_code == 403
    assert _download(client, url, "forged").status_code == 403
    other_site = ChatSite.objects.create(name="Other", allowed_origins=[ORIGIN], team=team)
    _, foreign_token, _ = _visitor(other_site, email="ivan@example.test")
    assert _download(client, url, foreign_token).status_code == 403
    public_id = url.rsplit("/", 1)[1]
    assert _download(client, f"/chat/sites/{other_site.key}/files/{public_id}",
                     foreign_token).status_code == 404


def test_uploads_are_limited_per_visitor(client, site):
    _, token, _ = _visitor(site)
    _, other_token, _ = _visitor(site, email="olga@example.test")
    for i in range(uploads.UPLOADS_PER_WINDOW):
        assert _upload(client, site, token, client_id=f"u{i}").status_code == 201
    refused = _upload(client, site, token, client_id="one-more")
    assert refused.status_code == 429
    body = refused.json()
    assert body["code"] == "rate_limited"
    assert 0 < body["retry_after"] <= uploads.WINDOW_SECONDS
    assert refused["Retry-After"] == str(body["retry_after"])
    assert refused["Access-Control-Allow-Origin"] == ORIGIN
    assert Message.objects.filter(attachments__isnull=False).distinct().count() == 10
    assert _upload(client, site, other_token).status_code == 201  # another visitor's own limit


def test_an_agents_file_on_the_chat_is_the_visitors_alone(client, site, agent):
    _, token, conversation = _visitor(site)
    _, other_token, _ = _visitor(site, email="olga@example.test")
    label = IncomingFile("label.pdf", b"%PDF-1.4 label", "application/pdf")
    reply = tickets.post_reply(conversation.ticket, actor=agent,
                               body=tickets.Body(text="Here is the label.", files=[label]))
    note = tickets.add_note(conversation.ticket, actor=agent,
                            body=tickets.Body(text="internal", files=[label]))

    [link] = uploads.attachment_frames(reply)
    assert link["name"] == "label.pdf"
    served = _download(client, link["url"], token)
    assert served.status_code == 200
    assert served["Content-Disposition"].startswith("attachment;")
    assert _body(served) == b"%PDF-1.4 label"
    assert _download(client, link["url"], other_token).status_code == 404

    hidden = note.attachments.get()  # an internal note's file is never the visitor's
    assert _download(client, f"/chat/sites/{site.key}/files/{hidden.public_id}",
                     token).status_code == 404


def test_an_agents_file_is_in_the_frames_the_widget_gets(site, agent):
    _, _, conversation = _visitor(site)
    label = IncomingFile("label.pdf", b"%PDF-1.4 label", "application/pdf")
    reply = tickets.post_reply(conversation.ticket, actor=agent,
                               body=tickets.Body(text="Here is the label.", files=[label]))
    replayed = services.messages_after(conversation, 0)[-1]
    assert replayed["attachments"] == uploads.attachment_frames(reply)


def test_the_widget_learns_the_limit_and_its_words(client, site):
    config = client.get(f"/chat/sites/{site.key}/config?lang=ru", headers={"Origin": ORIGIN})
    body = config.json()
    assert body["max_file_bytes"] > 0
    assert body["texts"]["attach"] == "Прикрепить файл"
    assert body["texts"]["uploading"] == "Загрузка %(name)s…"
    assert body["texts"]["file_too_large"] == (
        f"Файл больше {body['max_file_bytes'] // 2**20} МБ."
    )
