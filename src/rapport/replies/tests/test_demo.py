"""The demo's replies: every case, four languages, safe texts, loaded once."""

import re

import pytest

from rapport.replies.context import sample_context
from rapport.replies.demo import install_demo_replies
from rapport.replies.models import CannedReply, ReplyFolder, ReplyVariant
from rapport.replies.rendering import render, validate

pytestmark = pytest.mark.django_db

CASES = {"order-status", "lost", "damaged", "unhappy", "refund", "exchange", "warranty"}
NEGATIVE = re.compile(r"unfortunately|к сожалению|нажалост|遗憾", re.IGNORECASE)


def test_installing_twice_changes_nothing():
    count = install_demo_replies()
    state = (list(CannedReply.objects.values_list("pk", "title")),
             list(ReplyVariant.objects.values_list("pk", "body")),
             list(ReplyFolder.objects.values_list("pk", "name")))
    assert install_demo_replies() == count == CannedReply.objects.count()
    assert state == (list(CannedReply.objects.values_list("pk", "title")),
                     list(ReplyVariant.objects.values_list("pk", "body")),
                     list(ReplyFolder.objects.values_list("pk", "name")))


def test_every_case_is_shared_in_a_folder_in_four_languages():
    install_demo_replies()
    replies = CannedReply.objects.all()
    assert CASES <= {r.shortcut for r in replies}
    for reply in replies:
        assert reply.owner is None
        assert reply.folder is not None
        assert set(reply.variants.values_list("language", flat=True)) == {
            "en", "ru", "zh-hans", "sr"}


def test_the_texts_are_valid_warm_and_personal(agent):
    install_demo_replies()
    for variant in ReplyVariant.objects.all():
        validate(variant.body)
        assert not NEGATIVE.search(variant.body), variant
        assert "{{ customer.first_name }}" in variant.body
        rendered = render(variant.body, sample_context(agent=agent, language=variant.language))
        assert "Maria" in rendered
        assert "{{" not in rendered


def test_the_serbian_texts_are_cyrillic():
    install_demo_replies()
    for body in ReplyVariant.objects.filter(language="sr").values_list("body", flat=True):
        words = re.sub(r"\{\{.*?\}\}", "", body)
        assert re.search("[а-яђјљњћџ]", words, re.IGNORECASE)
        assert not re.search("[a-z]", words, re.IGNORECASE), body


def test_they_are_searchable():
    install_demo_replies()
    assert CannedReply.objects.filter(search_folded__contains="возврат").exists()
