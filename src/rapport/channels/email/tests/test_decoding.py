"""Charsets, RFC 2047 encoded-words, RFC 2231 parameters and addresses, one rule at a time."""

import base64

import pytest

from rapport.channels.email.addresses import (
    normalise_domain,
    parse_address_list,
    parse_message_ids,
)
from rapport.channels.email.bodies import safe_filename, unflow
from rapport.channels.email.charsets import decode_bytes, resolve_charset
from rapport.channels.email.headertext import decode_words, parse_params


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("gb2312", "gb18030"),
        ("GBK", "gb18030"),
        ("x-gbk", "gb18030"),
        ("euc-cn", "gb18030"),
        ("big5", "big5hkscs"),
        ('"KOI8-R"', "koi8-r"),
        ("windows-1251", "cp1251"),
        ("ISO-8859-5", "iso8859-5"),
        ("ks_c_5601-1987", "cp949"),
        ("unicode-escape", None),
        ("raw_unicode_escape", None),
        ("base64", None),
        ("x-foo", None),
    ],
)
def test_labels_resolve_to_safe_supersets(label, codec):
    assert resolve_charset(label) == codec


def test_a_transformation_codec_label_never_eats_backslashes():
    text, defects = decode_bytes("C:\\new\\табл".encode(), "unicode-escape")
    assert text == "C:\\new\\табл"
    assert defects == ["unknown charset 'unicode-escape' decoded as utf-8"]


def test_gb2312_label_reports_only_when_the_text_needs_more():
    assert decode_bytes("打印机".encode("gb2312"), "gb2312") == ("打印机", [])
    assert decode_bytes("朱镕基".encode("gbk"), "gb2312") == (
        "朱镕基",
        ["charset gb2312 decoded as gb18030"],
    )


def test_invalid_bytes_are_replaced_and_reported():
    text, defects = decode_bytes(b"ok \x98 ok", "windows-1251")
    assert text == "ok \ufffd ok"
    assert defects == ["invalid windows-1251 bytes replaced"]


def test_utf8_under_a_wrong_single_byte_label_is_recognised():
    text, defects = decode_bytes("Привет".encode(), "windows-1251")
    assert text == "РџСЂРёРІРµС‚"  # valid cp1251, so it is taken as labelled
    assert defects == []
    text, defects = decode_bytes("€".encode() + b"\x98", "windows-1251")
    assert defects == ["invalid windows-1251 bytes replaced"]


def test_utf7_is_decoded_even_when_ascii():
    assert decode_bytes(b"Hi +BB8EQAQ4BDIENQRC-", "utf-7") == ("Hi Привет", [])


def test_split_multibyte_b_words_are_joined_as_bytes():
    data = "Привет, мир".encode()
    words = " ".join(
        f"=?UTF-8?B?{base64.b64encode(data[i : i + 3]).decode()}?=" for i in range(0, len(data), 3)
    )
    assert decode_words(words) == ("Привет, мир", [])


def test_words_in_different_charsets_are_decoded_apart():
    koi = base64.b64encode("Счёт".encode("koi8-r")).decode()
    text, defects = decode_words(f"=?koi8-r?B?{koi}?= =?utf-8?Q?_=E2=84=96_1?= and more")
    assert (text, defects) == ("Счёт № 1 and more", [])


def test_text_between_words_is_kept_whitespace_between_words_is_not():
    assert decode_words("a =?utf-8?q?b?= =?utf-8?q?c?= d =?utf-8?q?e?=")[0] == "a bc d e"


def test_broken_words_are_left_as_written():
    assert decode_words("=?utf-8?x?abc?= =?utf-8?q?ok")[0] == "=?utf-8?x?abc?= =?utf-8?q?ok"


def test_rfc2231_continuations_with_charset_and_language():
    main, params, defects = parse_params(
        "attachment; filename*0*=koi8-r'ru'%F3%DE%A3%D4; filename*1=\" 1.txt\"; size=10"
    )
    assert (main, params, defects) == ("attachment", {"size": "10", "filename": "Счёт 1.txt"}, [])


def test_rfc2231_missing_section_is_reported():
    _, params, defects = parse_params("attachment; filename*0=a; filename*2=c")
    assert params["filename"] == "a"
    assert defects == ["RFC 2231 continuation missing; parameter cut short"]


def test_quoted_parameters_keep_semicolons_and_backslashes():
    _, params, _ = parse_params('text/plain; name="a;b \\"c\\" C:\\dir\\f.txt"; charset=utf-8')
    assert params == {"name": 'a;b "c" C:\\dir\\f.txt', "charset": "utf-8"}


@pytest.mark.parametrize(
    ("domain", "normalised"),
    [
        ("EXAMPLE.com", "example.com"),
        ("xn--e1afmkfd.xn--p1ai", "пример.рф"),
        ("ПРИМЕР.РФ", "пример.рф"),
        ("Bücher.Example.", "bücher.example"),
        ("[192.0.2.1]", "[192.0.2.1]"),
        ("localhost", None),
        ("bad_label-.example", None),
        ("xn--zzzz.example", None),
        ("a" * 64 + ".example", None),
    ],
)
def test_domains_normalise_to_one_form(domain, normalised):
    assert normalise_domain(domain) == normalised


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ('"Smith, John" <j@x.example>', [("j@x.example", "Smith, John")]),
        ("j@x.example (John Smith)", [("j@x.example", "John Smith")]),
        ("=?utf-8?B?0JjQstCw0L0=?= <ivan@x.ru>", [("ivan@x.ru", "Иван")]),
        ("Team: a@x.example, b@y.example;", [("a@x.example", ""), ("b@y.example", "")]),
        ("undisclosed-recipients:;", []),
        ("иван@пример.рф", [("иван@пример.рф", "")]),
    ],
)
def test_address_lists(header, expected):
    found, defects = parse_address_list(header, max_addresses=10)
    assert [(a.address, a.name) for a in found] == expected
    assert defects == []


@pytest.mark.parametrize(
    "header",
    [
        "alice@example.org)<bob@example.org>",
        "<a@b.example> trailing",
        "Name <a@b.example",
        "Ivan Petrov ivan@x.ru",
        "a@@b.example",
        "a b@c.example",
        "@b.example",
    ],
)
def test_ambiguous_or_invalid_addresses_are_rejected(header):
    found, defects = parse_address_list(header, max_addresses=10)
    assert found == []
    assert defects == [f"invalid address {header!r}"]


def test_address_count_is_capped():
    found, defects = parse_address_list(
        ", ".join(f"u{i}@x.example" for i in range(30)), max_addresses=5
    )
    assert len(found) == 5
    assert defects == ["more than 5 addresses; the rest ignored"]


def test_message_ids_keep_their_case_and_lose_whitespace():
    assert parse_message_ids("<A@B>\r\n <c @ d> junk <e@f>", limit=10) == (
        ["A@B", "c@d", "e@f"],
        [],
    )
    ids, defects = parse_message_ids(" ".join(f"<{i}@x>" for i in range(10)), limit=4)
    assert ids == ["0@x", "7@x", "8@x", "9@x"]
    assert defects == ["more than 4 message ids; the first and the latest kept"]


def test_filenames_are_made_safe():
    assert safe_filename("C:\\fakepath\\..\\report.pdf", "application/pdf", 1) == "report.pdf"
    assert safe_filename("invoice\u202efdp.exe", "application/pdf", 1) == "invoicefdp.exe"
    assert safe_filename(" .. ", "image/png", 3) == "attachment-3.png"
    assert safe_filename("", "message/rfc822", 2) == "attachment-2.eml"
    long = safe_filename("x" * 300 + ".pdf", "application/pdf", 1)
    assert long.endswith(".pdf")
    assert len(long) <= 200


def test_unflow():
    text = "one \ntwo\n> quoted \n> more\n-- \nsig"
    assert unflow(text, delsp=False) == "one two\n> quoted more\n-- \nsig"
    assert unflow("ab \ncd", delsp=True) == "abcd"
