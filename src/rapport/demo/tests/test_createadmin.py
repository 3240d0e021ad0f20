import pytest
from django.core.management import CommandError, call_command

from rapport.accounts.models import Role, User
from rapport.audit.models import AuditEntry
from rapport.cli import main

pytestmark = pytest.mark.django_db
ARGON2 = ["django.contrib.auth.hashers.Argon2PasswordHasher"]


@pytest.mark.django_db(transaction=True)  # the command line closes connections when done
def test_rapport_createadmin_non_interactive_uses_argon2(settings, capsys):
    settings.PASSWORD_HASHERS = ARGON2
    code = main(["createadmin", "--username", "root-admin", "--email", "root@example.test",
                 "--password", "a-long-unusual-passphrase", "--noinput"])
    assert code == 0
    assert "created" in capsys.readouterr().out
    admin = User.objects.get(username="root-admin")
    assert admin.role == Role.ADMIN
    assert admin.is_staff
    assert admin.is_superuser
    assert admin.password.startswith("argon2$")
    assert admin.check_password("a-long-unusual-passphrase")
    entry = AuditEntry.objects.get(action="user.admin_created")
    assert entry.target_id == str(admin.pk)
    assert "createadmin" in entry.actor_repr


def test_password_from_the_environment(monkeypatch):
    monkeypatch.setenv("RAPPORT_ADMIN_PASSWORD", "another-long-passphrase-42")
    call_command("createadmin", username="envadmin", email="env@example.test",
                 interactive=False)
    assert User.objects.get(username="envadmin").check_password("another-long-passphrase-42")


def test_missing_password_without_prompt_fails(monkeypatch):
    monkeypatch.delenv("RAPPORT_ADMIN_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="RAPPORT_ADMIN_PASSWORD"):
        call_command("createadmin", username="nopass", email="n@example.test",
                     interactive=False)
    assert not User.objects.filter(username="nopass").exists()


def test_prompts_for_missing_values(monkeypatch):
    monkeypatch.delenv("RAPPORT_ADMIN_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    answers = iter(["prompted", "prompted@example.test"])
    monkeypatch.setattr("builtins.input", lambda prompt: next(answers))
    monkeypatch.setattr("getpass.getpass", lambda prompt: "typed-in-passphrase-77")
    call_command("createadmin")
    assert User.objects.get(username="prompted").email == "prompted@example.test"


@pytest.mark.parametrize(("username", "email", "password", "message"), [
    ("weak", "w@example.test", "123", "too short"),
    ("bad name!", "b@example.test", "a-long-unusual-passphrase", "valid username"),
    ("bademail", "not-an-email", "a-long-unusual-passphrase", "valid email"),
])
def test_invalid_values_are_refused(username, email, password, message):
    with pytest.raises(CommandError, match=message):
        call_command("createadmin", username=username, email=email, password=password,
                     interactive=False)
    assert not User.objects.filter(username=username).exists()


def test_existing_username_is_refused(admin_user):
    with pytest.raises(CommandError, match="already exists"):
        call_command("createadmin", username="ADMIN", email="a@example.test",
                     password="a-long-unusual-passphrase", interactive=False)
