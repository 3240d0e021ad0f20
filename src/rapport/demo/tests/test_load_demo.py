"""The whole demo, loaded once for this module through the real service verbs."""

import hashlib
import re
from collections import Counter

import pytest
from django.db.models import Count

from rapport.accounts.models import Role, Team, User
from rapport.audit.models import AuditEntry
from rapport.contacts.models import Company, Customer
from rapport.demo.loader import DATASET_NAME, DemoModeRequired, load_demo
from rapport.demo.models import DemoDataset
from rapport.demo.roster import DEMO_PASSWORD
from rapport.reports.models import ReportingEvent
from rapport.tickets import custom_fields
from rapport.tickets.models import Attachment, Message, Status, Ticket
from rapport.tickets.queries import timeline

# One load per xdist worker that runs these; --dist loadgroup keeps them on one worker.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo-data")]

CYRILLIC = re.compile(r"[\u0400-\u04ff]")
HAN = re.compile(r"[\u4e00-\u9fff]")
LATIN = re.compile(r"[A-Za-z]{3,}")
RUSSIAN_ONLY = re.compile(r"[ыэъё]")
SERBIAN_ONLY = re.compile(r"[ђјљњћџЂЈЉЊЋЏ]")


def written_in(language: str, text: str) -> bool:
    """Whether the text is in the language's script, without the other language's letters."""
    if language == "en":
        return bool(LATIN.search(text)) and not CYRILLIC.search(text) and not HAN.search(text)
    if language == "zh-hans":
        return bool(HAN.search(text)) and not CYRILLIC.search(text)
    other_only = SERBIAN_ONLY if language == "ru" else RUSSIAN_ONLY
    return bool(CYRILLIC.search(text)) and not other_only.search(text)


def test_counts_promised(loaded_demo):
    assert loaded_demo.result.created
    assert Ticket.objects.count() == 300 + 8  # and the recent website chats
    assert Team.objects.count() == 3
    staff = User.objects.filter(username__in=["emily", "dmitry", "lina", "milica", "olga",
                                              "wanghao", "nikola", "james"])
    assert staff.count() == 8
    assert Counter(staff.values_list("role", flat=True)) == {
        Role.AGENT: 5, Role.ENGINEER: 1, Role.SUPERVISOR: 1, Role.ADMIN: 1}
    assert all(u.teams.exists() for u in staff)
    assert min(Team.objects.annotate(n=Count("members")).values_list("n", flat=True)) >= 2
    assert Customer.objects.count() == 80
    dataset = DemoDataset.objects.get(name=DATASET_NAME)
    assert dataset.counts["tickets"] == 300
    assert dataset.counts["agents"] == 8
    assert dataset.counts["live_chats"] == 8
    assert AuditEntry.objects.filter(action="demo.loaded").count() == 1


def test_recent_chats_make_the_widgets_wait_a_measured_number(loaded_demo):
    from rapport.channels.chat.models import ChatConversation, ChatSite
    from rapport.channels.chat.queries import expected_wait_seconds

    site = ChatSite.objects.get()
    assert ChatConversation.objects.filter(status="waiting").count() == 2
    wait = expected_wait_seconds(site, agents_online=1)
    assert wait is not None
    assert 40 <= wait <= 3 * 150


def test_staff_sign_in_with_the_demo_password(loaded_demo):
    james = User.objects.get(username="james")
    assert james.is_staff
    assert james.is_superuser
    assert james.check_password(DEMO_PASSWORD)
    assert User.objects.get(username="lina").ui_language == "zh-hans"
    assert not User.objects.get(username="emily").is_staff


def test_all_four_languages_in_tickets_and_message_text(loaded_demo):
    assert set(Ticket.objects.values_list("language", flat=True)) == {"en", "ru", "zh-hans", "sr"}
    for language in ("en", "ru", "zh-hans", "sr"):
        texts = list(Message.objects.filter(ticket__language=language, is_public=True)
                     .values_list("body_text", flat=True))
        assert len(texts) > 50, language
        for text in texts:
            assert written_in(language, text), f"{language}: {text[:80]}"
    russian = " ".join(Message.objects.filter(ticket__language="ru").values_list("body_text",
                                                                                 flat=True))
    serbian = " ".join(Message.objects.filter(ticket__language="sr").values_list("body_text",
                                                                                flat=True))
    assert RUSSIAN_ONLY.search(russian)
    assert SERBIAN_ONLY.search(serbian)


def test_customers_companies_and_identities(loaded_demo):
    assert Company.objects.filter(share_tickets=True).count() == 1
    assert Customer.objects.filter(company__isnull=False).count() >= 10
    several = Customer.objects.annotate(n=Count("identities")).filter(n__gte=2)
    assert several.count() >= 20
    assert Customer.objects.exclude(phone="").count() >= 20
    by_language = {language: " ".join(Customer.objects.filter(language=language)
                                      .values_list("name", flat=True))
                   for language in ("en", "ru", "zh-hans", "sr")}
    for language, names in by_language.items():
        assert written_in(language, names), language


def test_statuses_channels_priorities_and_fields(loaded_demo):
    assert set(Ticket.objects.values_list("status", flat=True)) == set(Status.values)
    assert set(Ticket.objects.values_list("channel", flat=True)) == {
        "email", "web", "chat", "phone", "api"}
    assert len(set(Ticket.objects.values_list("priority", flat=True))) == 4
    with_fields = Ticket.objects.exclude(custom_fields={})
    assert with_fields.count() > 150
    for values in with_fields.values_list("custom_fields", flat=True):
        assert custom_fields.validate(values, partial=True) == values
    assert Ticket.objects.filter(tags__name="late-carrier").exists()


def test_attachments_exist_and_are_readable(loaded_demo, settings):
    settings.MEDIA_ROOT = loaded_demo.media
    attachments = Attachment.objects.all()
    assert attachments.count() >= 30
    assert {"image/png", "text/csv", "text/plain"} <= set(
        attachments.values_list("content_type", flat=True))
    for attachment in attachments:
        with attachment.file.open("rb") as fh:
            content = fh.read()
        assert len(content) == attachment.size
        assert hashlib.sha256(content).hexdigest() == attachment.sha256
        if attachment.content_type == "image/png":
            assert content.startswith(b"\x89PNG\r\n\x1a\n")


def test_timelines_are_ordered_and_within_the_last_sixty_days(loaded_demo):
    newest = Ticket.objects.order_by("-created_at").first().created_at
    oldest = Ticket.objects.order_by("created_at").first().created_at
    assert (newest - oldest).days <= 60
    assert (newest - oldest).days >= 40
    for ticket in Ticket.objects.select_related("assignee"):
        entries = timeline(ticket.assignee or User(role=Role.ADMIN, is_active=True), ticket)
        times = [e.created_at for e in entries]
        assert times == sorted(times), ticket.pk
        assert times[0] == ticket.created_at
        assert times[-1] <= ticket.updated_at
        assert 1 <= ticket.messages.count() <= 6


def test_reporting_events_agree_with_the_tickets(loaded_demo):
    events = ReportingEvent.objects.all()
    assert not events.filter(duration_seconds__lt=0).exists()
    for ticket in Ticket.objects.exclude(first_response_at=None)[:100]:
        first = events.get(ticket_id=ticket.pk, name="first_reply")
        assert first.occurred_at == ticket.first_response_at
        expected = (ticket.first_response_at - ticket.created_at).total_seconds()
        assert first.duration_seconds == pytest.approx(expected, abs=1)
    assert events.filter(name="reopened").exists()
    assert events.filter(name="closed").count() == Ticket.objects.filter(status="closed").count()


def test_a_second_run_adds_nothing(loaded_demo, settings):
    settings.DEMO_MODE = True
    before = (Ticket.objects.count(), Customer.objects.count(), User.objects.count(),
              Message.objects.count())
    result = load_demo()
    assert not result.created
    assert (Ticket.objects.count(), Customer.objects.count(), User.objects.count(),
            Message.objects.count()) == before


def test_reset_removes_the_demo_and_loads_it_again(loaded_demo, settings):
    settings.DEMO_MODE = True
    settings.MEDIA_ROOT = loaded_demo.media
    result = load_demo(reset=True, ticket_count=12)
    assert result.created
    assert result.removed["tickets"] == 308
    assert result.removed["agents"] == 8
    assert Ticket.objects.count() == 12 + 8
    assert User.objects.filter(username="nikola").count() == 1
    assert Customer.objects.count() == 80


def test_refuses_outside_demo_mode(loaded_demo, settings):
    settings.DEMO_MODE = False
    with pytest.raises(DemoModeRequired):
        load_demo()
