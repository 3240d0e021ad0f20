"""The inbound filters, each alone on raw .eml fixtures, then the chain they form."""

import email
import email.policy
from pathlib import Path

import pytest

from rapport.channels.email.filters import (
    DEFAULT_CHAIN,
    AutoReplyFilter,
    AutoReplyRateLimitFilter,
    BounceFilter,
    FilterContext,
    Flag,
    InboundMail,
    MailingListFilter,
    OwnLoopFilter,
    SpoofingFilter,
    TrustedHeadersFilter,
    run_chain,
)
from rapport.channels.email.filters.spoofing import parse_authentication_results

FIXTURES = Path(__file__).parent / "fixtures" / "filters"
OWN_ADDRESSES = frozenset(
    {"support@rapport.example", "billing@rapport.example", "podrska@rapport.example"}
)


def make_ctx(**overrides) -> FilterContext:
    settings = {
        "instance_id": "rapport-prod-7f3a",
        "own_addresses": OWN_ADDRESSES,
        "own_message_id_domains": frozenset({"mail.rapport.example"}),
        "authserv_ids": frozenset({"mx.rapport.example"}),
        **overrides,
    }
    return FilterContext(**settings)


def parse(raw: bytes) -> InboundMail:
    return InboundMail.from_email_message(
        email.message_from_bytes(raw, policy=email.policy.default)
    )


def load(name: str) -> InboundMail:
    return parse((FIXTURES / f"{name}.eml").read_bytes())


def fixture_names() -> list[str]:
    return sorted(path.stem for path in FIXTURES.glob("*.eml"))


# Which filters find something in each fixture when each runs alone.
FIRES: dict[str, set[str]] = {
    "normal_en": set(),
    "normal_ru": set(),
    "normal_zh": set(),
    "normal_sr": set(),
    "normal_auto_submitted_no": set(),
    "normal_subject_mentions_autoreply": set(),
    "normal_from_postmaster_question": set(),
    "bounce_dsn_en": {"bounce", "auto_reply"},  # DSNs carry Auto-Submitted (RFC 3464)
    "bounce_dsn_ru": {"bounce", "auto_reply"},
    "bounce_dsn_zh": {"bounce", "auto_reply"},
    "bounce_dsn_sr": {"bounce", "auto_reply"},
    "bounce_dsn_delayed_en": {"bounce", "auto_reply"},
    "bounce_exim_en": {"bounce", "auto_reply"},
    "bounce_plain_ru": {"bounce"},
    "bounce_plain_zh": {"bounce"},
    "bounce_plain_sr": {"bounce"},
    "auto_submitted_en": {"auto_reply"},
    "x_autoreply_ru": {"auto_reply"},
    "x_autorespond_zh": {"auto_reply"},
    "precedence_bulk": {"auto_reply"},
    "precedence_junk": {"auto_reply"},
    "outlook_auto_response_suppress": {"auto_reply"},
    "ooo_subject_en": {"auto_reply"},
    "ooo_subject_ru_avtootvet": {"auto_reply"},
    "ooo_subject_ru_automatic": {"auto_reply"},
    "ooo_subject_ru_away": {"auto_reply"},
    "ooo_subject_zh_auto": {"auto_reply"},
    "ooo_subject_zh_away": {"auto_reply"},
    "ooo_subject_sr_cyrillic": {"auto_reply"},
    "ooo_subject_sr_latin": {"auto_reply"},
    "ooo_subject_sr_office": {"auto_reply"},
    "read_receipt": {"auto_reply"},
    "list_id": {"mailing_list"},
    "precedence_list": {"mailing_list"},
    # Our own acknowledgement came back: it also looks automatic, as it should.
    "loop_message_id": {"own_loop", "auto_reply"},
    "loop_x_rapport_loop": {"own_loop"},
    "loop_x_loop": {"own_loop"},
    "spoofed_dmarc": {"spoofing"},
    "spoofed_spf": {"spoofing"},
    "spf_fail_other_domain": set(),
    "forged_auth_results": set(),  # the failure is claimed by a server that is not ours
    "trusted_headers": {"trusted_headers"},
}


def test_the_corpus_is_large_and_every_fixture_has_an_expectation():
    assert len(fixture_names()) >= 25
    assert set(fixture_names()) == set(FIRES)


@pytest.mark.parametrize("inbound_filter", DEFAULT_CHAIN, ids=lambda f: f.name)
@pytest.mark.parametrize("name", fixture_names())
def test_each_filter_alone_fires_on_exactly_its_fixtures(name, inbound_filter):
    result = inbound_filter.apply(load(name), make_ctx())

    assert (result is not None) == (inbound_filter.name in FIRES[name])


# --- own loop ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("loop_message_id", "Message-ID is in our own domain mail.rapport.example"),
        ("loop_x_rapport_loop", "x-rapport-loop names us (rapport-prod-7f3a)"),
        ("loop_x_loop", "x-loop names us (billing@rapport.example)"),
    ],
)
def test_own_loop_is_found_and_stops_the_chain(name, reason):
    result = OwnLoopFilter().apply(load(name), make_ctx())

    assert result is not None
    assert (result.flags, result.reason, result.stop) == (frozenset({Flag.OWN_LOOP}), reason, True)


@pytest.mark.parametrize("name", ["loop_message_id", "loop_x_rapport_loop", "loop_x_loop"])
def test_own_loop_needs_to_know_who_we_are(name):
    assert OwnLoopFilter().apply(load(name), FilterContext()) is None


def test_an_empty_loop_header_never_matches_a_blank_setting():
    mail = InboundMail(headers={"x-loop": "", "x-rapport-loop": " "})

    assert OwnLoopFilter().apply(mail, make_ctx(own_addresses=frozenset({""}))) is None


def test_own_loop_matches_our_message_id_domain_exactly():
    lookalike = InboundMail(headers={"message-id": "<a@mail.rapport.example.evil.test>"})

    assert OwnLoopFilter().apply(lookalike, make_ctx()) is None


# --- bounces ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "failed", "status"),
    [
        ("bounce_dsn_en", ("customer@example.net",), "5.1.1"),
        ("bounce_dsn_ru", ("ivan@example.ru",), "5.2.2"),
        ("bounce_dsn_zh", ("zhang@example.cn",), "5.1.1"),  # li@ was delivered
        ("bounce_dsn_sr", ("jelena@example.rs",), "5.1.1"),
        ("bounce_dsn_delayed_en", (), "4.4.1"),
        ("bounce_exim_en", ("gone@example.org",), "5.1.1"),
        ("bounce_plain_ru", ("petrov@example.ru",), "5.1.1"),
        ("bounce_plain_zh", ("chen@example.cn",), "5.1.1"),
        ("bounce_plain_sr", ("milan@example.rs",), "5.1.1"),
    ],
)
def test_bounce_names_the_failed_recipients_and_status(name, failed, status):
    result = BounceFilter().apply(load(name), make_ctx())

    assert result is not None
    assert result.flags == frozenset({Flag.BOUNCE})
    assert (result.failed_recipients, result.bounce_status) == (failed, status)


def test_delivery_report_is_read_recipient_by_recipient():
    mail = load("bounce_dsn_zh")

    assert mail.is_multipart_report
    assert mail.report is not None
    assert mail.report.report_type == "delivery-status"
    assert [(r.address, r.action, r.status) for r in mail.report.recipients] == [
        ("zhang@example.cn", "failed", "5.1.1"),
        ("li@example.cn", "delivered", "2.0.0"),
    ]
    assert "User unknown in virtual mailbox table" in mail.report.recipients[0].diagnostic


def test_a_person_writing_about_a_bounce_is_not_a_bounce():
    mail = InboundMail(
        subject="Undelivered Mail Returned to Sender - what does it mean?",
        from_address="laura@example.com",
        headers={"return-path": "<laura@example.com>"},
    )

    assert BounceFilter().apply(mail, make_ctx()) is None


# --- automatic replies ------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("auto_submitted_en", "Auto-Submitted: auto-replied"),
        ("x_autoreply_ru", "x-autoreply: yes"),
        ("x_autorespond_zh", "x-autorespond: 我正在休假"),
        ("precedence_bulk", "Precedence: bulk"),
        ("precedence_junk", "Precedence: junk"),
        ("outlook_auto_response_suppress", "x-auto-response-suppress: All"),
        ("read_receipt", "read receipt (disposition notification)"),
        ("ooo_subject_zh_away", "out-of-office subject: '外出：发票问题'"),
    ],
)
def test_auto_reply_says_which_signal_it_saw(name, reason):
    result = AutoReplyFilter().apply(load(name), make_ctx())

    assert result is not None
    assert (result.flags, result.reason) == (frozenset({Flag.AUTO_REPLY}), reason)


@pytest.mark.parametrize(
    "subject",
    [
        "Out of Office: Re: ticket",
        "Out of the office",
        "Automatic reply: Invoice",
        "AutoReply: Invoice",
        "Автоответ",
        "Автоматический ответ: Счёт",
        "Нет на месте: Счёт",
        "自动回复：发票",
        "【自动回复】发票",
        "外出",
        "Аутоматски одговор: Рачун",
        "Odsutan",
        "[Odsutna] Re: Prijava",
        "Ван канцеларије: Захтев",
        "Van kancelarije - Zahtev",
    ],
)
def test_out_of_office_subjects_in_four_languages(subject):
    assert AutoReplyFilter().apply(InboundMail(subject=subject), make_ctx()) is not None


@pytest.mark.parametrize(
    "subject",
    [
        "Out of office message is not working",
        "Re: Automatic reply settings",
        "Автоответ не работает",
        "外出旅游的退款问题",
        "Odsutan mi je paket",
        "Invoice 42",
    ],
)
def test_subjects_that_only_mention_out_of_office_are_not_auto_replies(subject):
    assert AutoReplyFilter().apply(InboundMail(subject=subject), make_ctx()) is None


@pytest.mark.parametrize(
    "headers",
    [{"auto-submitted": "no"}, {"x-auto-response-suppress": "None"}, {"precedence": "first-class"}],
)
def test_headers_that_say_a_person_wrote_are_not_auto_replies(headers):
    assert AutoReplyFilter().apply(InboundMail(headers=headers), make_ctx()) is None


# --- mailing lists ----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("list_id", "List-Id: Users of Example <users.lists.example.org>"),
        ("precedence_list", "Precedence: list"),
    ],
)
def test_mailing_list_mail_is_list_and_automatic(name, reason):
    result = MailingListFilter().apply(load(name), make_ctx())

    assert result is not None
    assert result.reason == reason
    assert result.flags == frozenset({Flag.MAILING_LIST, Flag.AUTO_REPLY})


# --- rate limit -------------------------------------------------------------


class RecordingCounter:
    """Answers how many automatic replies went to an address, and records the asks."""

    def __init__(self, sent: int) -> None:
        self.sent = sent
        self.asked: list[str] = []

    def __call__(self, address: str) -> int:
        self.asked.append(address)
        return self.sent


@pytest.mark.parametrize(("sent", "limited"), [(0, False), (2, False), (3, True), (9, True)])
def test_rate_limit_stops_automatic_replies_at_the_limit(sent, limited):
    counter = RecordingCounter(sent)
    mail = InboundMail(from_address="Laura@Example.com")

    result = AutoReplyRateLimitFilter().apply(
        mail, make_ctx(auto_reply_limit=3, recent_auto_replies_to=counter)
    )

    assert (result is not None) == limited
    assert counter.asked == ["laura@example.com"]
    if result is not None:
        assert result.flags == frozenset({Flag.RATE_LIMITED})


def test_rate_limit_is_not_asked_about_a_mail_without_sender():
    counter = RecordingCounter(99)

    assert (
        AutoReplyRateLimitFilter().apply(InboundMail(), make_ctx(recent_auto_replies_to=counter))
        is None
    )
    assert counter.asked == []


# --- spoofing ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("spoofed_dmarc", "dmarc=fail for bank.example (reported by mx.rapport.example)"),
        ("spoofed_spf", "spf=fail for shop.example (reported by mx.rapport.example)"),
    ],
)
def test_spoofing_is_suspected_on_dmarc_or_spf_failure_for_the_from_domain(name, reason):
    result = SpoofingFilter().apply(load(name), make_ctx())

    assert result is not None
    assert (result.flags, result.reason) == (frozenset({Flag.SPOOFING_SUSPECTED}), reason)


def test_without_a_list_of_our_servers_every_authentication_result_counts():
    result = SpoofingFilter().apply(load("forged_auth_results"), make_ctx(authserv_ids=frozenset()))

    assert result is not None
    assert result.reason == "dmarc=fail for example.com (reported by relay.elsewhere.example)"


@pytest.mark.parametrize(
    ("header_from", "suspected"),
    [("mail.bank.example", True), ("bank.example", True), ("other.example", False)],
)
def test_dmarc_failure_counts_only_for_an_aligned_domain(header_from, suspected):
    mail = InboundMail(
        from_address="ceo@bank.example",
        headers={
            "authentication-results": f"mx.rapport.example; dmarc=fail header.from={header_from}"
        },
    )

    assert (SpoofingFilter().apply(mail, make_ctx()) is not None) == suspected


def test_authentication_results_are_parsed_without_comments():
    results = parse_authentication_results(
        "mx.rapport.example (version 1);\n"
        "  spf=fail (sender; IP 203.0.113.66) smtp.mailfrom=a@b.example; dkim=none"
    )

    assert [(r.authserv_id, r.method, r.result, r.properties) for r in results] == [
        ("mx.rapport.example", "spf", "fail", {"smtp.mailfrom": "a@b.example"}),
        ("mx.rapport.example", "dkim", "none", {}),
    ]


# --- trusted header fields --------------------------------------------------


def test_ticket_field_headers_are_ignored_from_an_untrusted_mailbox():
    result = TrustedHeadersFilter().apply(load("trusted_headers"), make_ctx())

    assert result is not None
    assert dict(result.trusted_fields) == {}
    assert result.ignored_fields == (
        "x-rapport-colour",
        "x-rapport-priority",
        "x-rapport-tags",
        "x-rapport-team",
    )


def test_ticket_field_headers_are_honoured_from_a_trusted_mailbox():
    result = TrustedHeadersFilter().apply(load("trusted_headers"), make_ctx(mailbox_trusted=True))

    assert result is not None
    assert dict(result.trusted_fields) == {
        "priority": "urgent",
        "tags": "vpn, outage",
        "team": "Network operations",
    }
    assert result.ignored_fields == ("x-rapport-colour",)


# --- the message the filters see ------------------------------------------


def test_inbound_mail_decodes_headers_and_bodies_in_their_charsets():
    chinese = load("normal_zh")
    russian_bounce = load("bounce_plain_ru")

    assert chinese.subject == "订单没有收到"
    assert "十天" in chinese.text
    assert chinese.from_address == "wangwei@example.cn"
    assert "Исходное сообщение" in russian_bounce.text  # KOI8-R


def test_inbound_mail_keeps_only_the_headers_filters_read_and_joins_repeats():
    mail = load("forged_auth_results")

    assert mail.header("authentication-results").count("\n") == 1
    assert "received" not in load("normal_en").headers
    assert set(load("trusted_headers").headers) >= {"x-rapport-priority", "x-rapport-colour"}


def test_inbound_mail_takes_the_first_real_address_of_from():
    raw = b'From: "Support, Team" <Team@Example.com>, other@example.com\nSubject: x\n\nx\n'

    mail = parse(raw)

    assert (mail.from_address, mail.from_domain) == ("Team@Example.com", "example.com")


def test_inbound_mail_reads_the_text_of_an_html_only_message():
    raw = (
        b"From: MAILER-DAEMON@mx.example.net\nSubject: Undeliverable: Invoice\n"
        b"Content-Type: text/html; charset=utf-8\n\n"
        b"<html><body><p>Delivery has failed to these recipients:</p>"
        b"<p>&lt;gone@example.net&gt;: 550 5.1.1 unknown</p></body></html>\n"
    )

    mail = parse(raw)

    assert (
        mail.text
        == "Delivery has failed to these recipients:\n\n<gone@example.net>: 550 5.1.1 unknown"
    )
    result = BounceFilter().apply(mail, make_ctx())
    assert result is not None
    assert (result.failed_recipients, result.bounce_status) == (("gone@example.net",), "5.1.1")


def test_inbound_mail_survives_an_unknown_charset():
    raw = (
        b"From: a@example.com\nSubject: x\nContent-Type: text/plain; charset=x-no-such\n\ncaf\xe9\n"
    )

    mail = parse(raw)

    assert mail.text == "caf\ufffd\n"


# --- the chain --------------------------------------------------------------


def test_default_chain_runs_loop_detection_first():
    assert [f.name for f in DEFAULT_CHAIN] == [
        "own_loop",
        "bounce",
        "auto_reply",
        "mailing_list",
        "auto_reply_rate_limit",
        "spoofing",
        "trusted_headers",
    ]


# (flags, may_acknowledge, may_reopen) for each kind of mail, through the whole chain.
NORMAL = (frozenset(), True, True)
BOUNCE = (frozenset({Flag.BOUNCE, Flag.AUTO_REPLY}), False, False)
AUTO = (frozenset({Flag.AUTO_REPLY}), False, False)
LIST = (frozenset({Flag.MAILING_LIST, Flag.AUTO_REPLY}), False, False)
LOOP = (frozenset({Flag.OWN_LOOP}), False, False)
SPOOFED = (frozenset({Flag.SPOOFING_SUSPECTED}), False, True)  # no ack to a forged address
VERDICTS = {
    "normal_en": NORMAL,
    "normal_zh": NORMAL,
    "normal_auto_submitted_no": NORMAL,
    "bounce_dsn_en": BOUNCE,
    "bounce_dsn_sr": BOUNCE,
    "bounce_plain_zh": (frozenset({Flag.BOUNCE}), False, False),
    "x_autoreply_ru": AUTO,
    "ooo_subject_sr_latin": AUTO,
    "read_receipt": AUTO,
    "list_id": LIST,
    "loop_message_id": LOOP,
    "loop_x_loop": LOOP,
    "spoofed_dmarc": SPOOFED,
    "trusted_headers": NORMAL,
}


@pytest.mark.parametrize("name", sorted(VERDICTS))
def test_chain_verdict(name):
    verdict = run_chain(load(name), make_ctx())

    flags, may_acknowledge, may_reopen = VERDICTS[name]
    assert (verdict.flags, verdict.may_acknowledge, verdict.may_reopen) == (
        flags,
        may_acknowledge,
        may_reopen,
    )


@pytest.mark.parametrize("name", [n for n in fixture_names() if n.startswith("normal_")])
def test_normal_mail_passes_the_whole_chain_untouched(name):
    verdict = run_chain(load(name), make_ctx())

    assert verdict.ran == tuple(f.name for f in DEFAULT_CHAIN)
    assert (verdict.flags, verdict.reasons, verdict.failed_recipients) == (frozenset(), (), ())
    assert [verdict.drop, verdict.is_bounce, verdict.is_auto_reply, verdict.is_list] == [False] * 4
    assert [verdict.may_acknowledge, verdict.may_reopen, verdict.spoofing_suspected] == [
        True,
        True,
        False,
    ]


def test_a_loop_stops_the_chain_before_anything_else_runs():
    counter = RecordingCounter(0)

    verdict = run_chain(load("loop_message_id"), make_ctx(recent_auto_replies_to=counter))

    assert verdict.drop
    assert verdict.is_own_loop
    assert verdict.ran == ("own_loop",)
    assert not verdict.is_auto_reply
    assert counter.asked == []


def test_chain_order_decides_what_runs():
    reversed_chain = tuple(reversed(DEFAULT_CHAIN))

    verdict = run_chain(load("loop_message_id"), make_ctx(), chain=reversed_chain)

    assert verdict.ran == tuple(f.name for f in reversed_chain)
    assert verdict.flags == frozenset({Flag.OWN_LOOP, Flag.AUTO_REPLY})


def test_findings_accumulate_in_chain_order():
    verdict = run_chain(load("bounce_dsn_en"), make_ctx())

    assert verdict.is_bounce
    assert verdict.is_auto_reply
    assert verdict.failed_recipients == ("customer@example.net",)
    assert verdict.bounce_status == "5.1.1"
    assert [r.filter for r in verdict.reasons] == ["bounce", "auto_reply"]


def test_rate_limit_stops_the_acknowledgement_but_not_the_reopening():
    verdict = run_chain(load("normal_en"), make_ctx(recent_auto_replies_to=RecordingCounter(5)))

    assert verdict.flags == frozenset({Flag.RATE_LIMITED})
    assert (verdict.may_acknowledge, verdict.may_reopen) == (False, True)


def test_trusted_fields_reach_the_verdict_only_from_a_trusted_mailbox():
    trusted = run_chain(load("trusted_headers"), make_ctx(mailbox_trusted=True))
    untrusted = run_chain(load("trusted_headers"), make_ctx())

    assert trusted.trusted_header_fields["priority"] == "urgent"
    assert dict(untrusted.trusted_header_fields) == {}
    assert "x-rapport-priority" in untrusted.ignored_header_fields
