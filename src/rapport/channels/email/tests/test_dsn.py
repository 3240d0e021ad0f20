"""Bounces: which address failed, with what status, as the reporting server said."""

from pathlib import Path

from rapport.channels.email.dsn import parse_delivery_status
from rapport.channels.email.parsing import parse_message

EML = Path(__file__).parent / "fixtures" / "eml"


def test_english_postfix_bounce():
    parsed = parse_message((EML / "dsn_en.eml").read_bytes())
    assert parsed.is_multipart_report
    assert parsed.report is not None
    assert parsed.report.reporting_mta == "mx.rapport.example"
    (failed,) = parsed.report.failed
    assert failed.address == "no.such.user@customer.example"
    assert failed.original_recipient == "No.Such.User@customer.example"
    assert (failed.action, failed.status) == ("failed", "5.1.1")
    assert failed.remote_mta == "mx.customer.example"
    assert failed.diagnostic == (
        "550 5.1.1 <no.such.user@customer.example>: Recipient address rejected: "
        "User unknown in virtual mailbox table"
    )


def test_russian_provider_bounce_with_a_delayed_recipient():
    parsed = parse_message((EML / "dsn_ru_provider.eml").read_bytes())
    assert parsed.is_multipart_report
    assert parsed.report is not None
    assert [(r.address, r.action, r.status) for r in parsed.report.recipients] == [
        ("nosuchuser@mail.ru", "failed", "5.0.0"),
        ("slow@bk.ru", "delayed", "4.4.1"),
    ]
    assert [r.address for r in parsed.report.failed] == ["nosuchuser@mail.ru"]
    assert "Ваше письмо не может быть доставлено" in parsed.text


def test_ordinary_mail_is_not_a_report():
    parsed = parse_message((EML / "en_plain.eml").read_bytes())
    assert not parsed.is_multipart_report
    assert parsed.report is None


def test_single_block_report_and_missing_recipient():
    report, defects = parse_delivery_status(
        "Reporting-MTA: dns; mx.example\nFinal-Recipient: rfc822;x@y.example\n"
        "Action: Failed (permanent)\nStatus: 5.2.2 (mailbox full)\n"
    )
    assert [(r.address, r.action, r.status) for r in report.recipients] == [
        ("x@y.example", "failed", "5.2.2")
    ]
    assert defects == []
    report, defects = parse_delivery_status("Reporting-MTA: dns; mx.example\n\nAction: failed\n")
    assert report.recipients == ()
    assert defects == ["delivery status block without a recipient"]


def test_empty_report():
    report, defects = parse_delivery_status("  \n\n ")
    assert report.recipients == ()
    assert defects == ["empty delivery status"]
