"""The public contact form: bots, floods, oversized files, and the customer's language."""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from rapport.contacts.models import Customer
from rapport.contacts.tests.factories import CustomerFactory
from rapport.core.errors import InvalidInput
from rapport.portal import services, tasks
from rapport.portal.tests.helpers import aged_token, contact_data, png_upload
from rapport.tickets.attachments import IncomingFile
from rapport.tickets.models import Attachment, Ticket

pytestmark = pytest.mark.django_db


def post_contact(client, **overrides):
    return client.post(reverse("portal:contact"), contact_data(**overrides))


def assert_nothing_created():
    assert not Ticket.objects.exists()
    assert not Customer.objects.exists()
    assert not Attachment.objects.exists()


def test_filled_honeypot_is_refused(client, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_contact(client, website="http://spam.example")
    assert response.status_code == 400
    assert "could not be sent" in response.content.decode()
    assert_nothing_created()
    assert mailoutbox == []


def test_too_fast_submission_is_refused(client):
    response = post_contact(client, started=aged_token(0.5))
    assert response.status_code == 400
    assert "That was very fast" in response.content.decode()
    assert_nothing_created()


def _tampered() -> str:
    # A valid token with one character of its signature changed.
    token = aged_token()
    return token[:-1] + ("A" if token[-1] != "A" else "B")


@pytest.mark.parametrize(
    "make_started",
    [lambda: "", lambda: "not-a-token", _tampered],
    ids=["missing", "garbage", "tampered"],
)
def test_missing_or_tampered_timestamp_is_refused(client, make_started):
    response = post_contact(client, started=make_started())
    assert response.status_code == 400
    assert "could not be verified" in response.content.decode()
    assert_nothing_created()


def test_timestamp_signed_with_another_salt_is_refused(client):
    from django.core import signing

    forged = signing.dumps({"t": time.time() - 60}, salt="something-else")
    response = post_contact(client, started=forged)
    assert response.status_code == 400
    assert_nothing_created()


def test_form_older_than_a_day_is_refused(client):
    response = post_contact(client, started=aged_token(25 * 3600))
    assert response.status_code == 400
    assert "open for too long" in response.content.decode()
    assert_nothing_created()


def test_refused_form_is_shown_again_with_a_fresh_timestamp(client):
    stale = aged_token(25 * 3600)
    html = post_contact(client, started=stale).content.decode()
    assert 'name="started"' in html
    assert stale not in html


def test_rate_limit_per_email(client, settings):
    settings.RAPPORT_PORTAL_SUBMISSIONS_PER_HOUR = 2
    for _ in range(2):
        assert post_contact(client).status_code == 302
    # The same address from another client is still refused.
    response = client.post(
        reverse("portal:contact"), contact_data(), REMOTE_ADDR="10.0.0.9"
    )
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert Ticket.objects.count() == 2


def test_rate_limit_per_address(client, settings):
    settings.RAPPORT_PORTAL_SUBMISSIONS_PER_HOUR = 2
    for n in range(2):
        response = post_contact(client, email=f"person{n}@example.test")
        assert response.status_code == 302
    assert post_contact(client, email="person9@example.test").status_code == 429
    assert Ticket.objects.count() == 2
    # Another client address is not affected.
    other = client.post(
        reverse("portal:contact"), contact_data(email="person9@example.test"),
        REMOTE_ADDR="192.0.2.50",
    )
    assert other.status_code == 302


def test_oversized_file_is_refused_and_nothing_is_created(
    client, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.RAPPORT_MAX_ATTACHMENT_BYTES = 2**20
    big = SimpleUploadedFile("scan.pdf", b"%" * (2**20 + 1), content_type="application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        response = post_contact(client, attachments=[png_upload(), big])
    assert response.status_code == 400
    assert "scan.pdf is larger than 1 MB." in response.content.decode()
    assert_nothing_created()
    assert mailoutbox == []


def test_too_many_files_are_refused(client, settings):
    settings.RAPPORT_MAX_ATTACHMENTS_PER_MESSAGE = 2
    response = post_contact(client, attachments=[png_upload(f"{n}.png") for n in range(3)])
    assert response.status_code == 400
    assert "At most 2 files per message." in response.content.decode()
    assert_nothing_created()


def test_service_refuses_oversized_file_before_creating_anyone(settings):
    settings.RAPPORT_MAX_ATTACHMENT_BYTES = 10
    with pytest.raises(InvalidInput) as exc:
        services.submit_contact_form(
            name="A", email="a@example.test", subject="Hi", text="Hello",
            files=[IncomingFile("big.bin", b"x" * 11)],
        )
    assert exc.value.code == "file_too_large"
    assert_nothing_created()


def test_existing_customer_gets_the_ticket(client, django_capture_on_commit_callbacks, mailoutbox):
    known = CustomerFactory(email="known@example.test", language="sr")
    with django_capture_on_commit_callbacks(execute=True):
        response = post_contact(client, email="  Known@Example.test ")
    assert response.status_code == 302
    assert Ticket.objects.get().requester == known
    assert Customer.objects.count() == 1
    assert mailoutbox[0].to == ["known@example.test"]


def test_language_switch_is_kept_for_the_new_customer_and_the_email(
    client, monkeypatch, django_capture_on_commit_callbacks, mailoutbox
):
    rendered_in = []
    original = tasks.render_to_string

    def spy(*args, **kwargs):
        rendered_in.append(translation.get_language())
        return original(*args, **kwargs)

    monkeypatch.setattr(tasks, "render_to_string", spy)
    switched = client.post(
        reverse("portal:language"), {"language": "ru", "next": reverse("portal:contact")}
    )
    assert switched.status_code == 302
    assert switched.url == reverse("portal:contact")
    assert client.session["portal_language"] == "ru"
    page = client.get(reverse("portal:contact"))
    assert page.headers["Content-Language"] == "ru"
    assert '<html lang="ru">' in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        assert post_contact(client).status_code == 302
    customer = Customer.objects.get()
    assert customer.language == "ru"
    assert Ticket.objects.get().language == "ru"
    assert rendered_in == ["ru"]
    assert len(mailoutbox) == 1


def test_language_switch_refuses_unknown_languages_and_foreign_redirects(client):
    response = client.post(
        reverse("portal:language"), {"language": "xx", "next": "https://evil.example/"}
    )
    assert response.url == reverse("portal:contact")
    assert "portal_language" not in client.session


def test_thanks_page_needs_a_submission(client):
    response = client.get(reverse("portal:thanks"))
    assert response.status_code == 302
    assert response.url == reverse("portal:contact")
