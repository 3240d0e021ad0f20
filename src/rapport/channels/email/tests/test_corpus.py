"""Every .eml of the corpus read as the customer wrote it: subject, sender, words, files.

Each case names the defects the parser must report; a case without defects asserts
that none are reported at all.
"""

from pathlib import Path

import pytest

from rapport.channels.email.parsing import parse_message
from rapport.channels.email.tests import cases_languages, cases_mail
from rapport.channels.email.tests.corpus import Case

EML = Path(__file__).parent / "fixtures" / "eml"
CASES = cases_mail.CASES + cases_languages.CASES


def test_every_fixture_has_a_case():
    assert sorted(p.name for p in EML.glob("*.eml")) == sorted(c.file for c in CASES)
    assert len(CASES) >= 60


@pytest.mark.parametrize("case", CASES, ids=[c.file for c in CASES])
def test_fixture_reads_as_written(case: Case):
    raw = (EML / case.file).read_bytes()
    parsed = parse_message(raw)
    assert parsed.subject == case.subject
    assert parsed.from_address == case.sender
    if case.name is not None:
        assert parsed.from_name == case.name
    assert case.phrase in parsed.text
    assert [(a.filename, a.content_type, a.size) for a in parsed.attachments] == list(
        case.attachments
    )
    _assert_defects(parsed.defects, case.defects)
    assert parsed.raw_size == len(raw)


def _assert_defects(found: list[str], expected: tuple[str, ...]) -> None:
    """Each expected fragment matches its own defect, and no other defect is reported."""
    remaining = list(found)
    for fragment in expected:
        match = next((d for d in remaining if fragment in d), None)
        assert match is not None, f"{fragment!r} not in {found}"
        remaining.remove(match)
    assert remaining == [], f"unexpected defects {remaining}"
