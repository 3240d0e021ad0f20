import pytest

from rapport.assistant.builtin_rules import install_builtin_rules
from rapport.assistant.models import PhraseRule
from rapport.assistant.rulebook import forget_rules


@pytest.fixture(autouse=True)
def _fresh_rules():
    """The compiled rules live in this process; a rolled-back test's rules must go too."""
    forget_rules()
    yield
    forget_rules()


@pytest.fixture
def builtin_rules(db):
    """The data migration's rules (a transactional test elsewhere may have flushed them)."""
    if not PhraseRule.objects.filter(is_builtin=True).exists():
        install_builtin_rules(PhraseRule)
    forget_rules()
    return PhraseRule.objects.filter(is_builtin=True)


def rule(language: str, phrase: str) -> PhraseRule:
    return PhraseRule.objects.get(language=language, phrase=phrase)
