import importlib.util
import signal
import subprocess
import sys
import time

import pytest

from rapport import cli


# Django closes every connection after a command run from the command line, which ends a
# test's wrapping transaction on PostgreSQL: these tests run outside one.
@pytest.mark.django_db(transaction=True)
def test_migrate_is_dispatched_to_django(capsys):
    assert cli.main(["migrate"]) == 0
    assert "No migrations to apply" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_migrate_passes_its_options_through(capsys):
    assert cli.main(["migrate", "--plan"]) == 0
    assert "Planned operations" in capsys.readouterr().out


def test_manage_passes_through_to_django_admin(capsys):
    assert cli.main(["manage", "check"]) == 0
    assert "no issues" in capsys.readouterr().out


def test_manage_reports_a_failing_command():
    assert cli.main(["manage", "no_such_command"]) == 1


def test_unknown_command_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["frobnicate"])
    assert exc.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_parser_reads_serve_and_demo_options():
    parser = cli.build_parser()
    serve = parser.parse_args(["serve", "--host", "0.0.0.0", "--port", "9000", "--workers", "3"])
    assert (serve.handler, serve.host, serve.port, serve.workers) == (
        cli.cmd_serve, "0.0.0.0", 9000, 3)
    demo = parser.parse_args(["demo", "--no-serve", "--reset"])
    assert demo.handler is cli.cmd_demo
    assert demo.no_serve
    assert demo.reset
    assert parser.parse_args(["worker"]).handler is cli.cmd_worker


def test_sqlite_is_served_by_one_process(capsys):
    engine = "django.db.backends.sqlite3"
    assert cli.serve_workers(4, database_engine=engine, redis_url="") == 1
    assert "SQLite mode runs one server process" in capsys.readouterr().err
    assert cli.serve_workers(1, database_engine=engine, redis_url="") == 1
    assert cli.serve_workers(0, database_engine=engine, redis_url="") == 1


def test_postgresql_may_run_several_processes(capsys):
    engine = "django.db.backends.postgresql"
    assert cli.serve_workers(3, database_engine=engine, redis_url="") == 3
    assert "RAPPORT_REDIS_URL" in capsys.readouterr().err
    assert cli.serve_workers(3, database_engine=engine, redis_url="redis://x") == 3
    assert capsys.readouterr().err == ""


def test_translations_are_skipped_when_the_helper_is_absent(monkeypatch, capsys):
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "rapport.core.i18n"
                        else real_find_spec(name, *a))
    assert cli.compile_translations() == []
    assert "not available" in capsys.readouterr().out


def test_translations_are_compiled_when_the_helper_exists(capsys):
    if importlib.util.find_spec("rapport.core.i18n") is None:
        pytest.skip("rapport.core.i18n is not part of this checkout")
    cli.compile_translations()
    assert "Translations:" in capsys.readouterr().out


def python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def test_when_one_child_dies_the_other_is_stopped():
    started = time.monotonic()
    code = cli.run_together({
        "server": python("import time; time.sleep(60)"),
        "worker": python("import sys, time; time.sleep(0.3); sys.exit(3)"),
    }, poll_seconds=0.05)
    assert code == 3
    assert time.monotonic() - started < 15


def test_a_child_exiting_cleanly_still_fails_the_run():
    assert cli.run_together({"server": python("pass"),
                             "worker": python("import time; time.sleep(60)")},
                            poll_seconds=0.05) == 1


def test_a_child_killed_by_a_signal_reports_128_plus_signal():
    code = cli.run_together({
        "server": python("import os, signal; os.kill(os.getpid(), signal.SIGKILL)"),
        "worker": python("import time; time.sleep(60)"),
    }, poll_seconds=0.05)
    assert code == 128 + signal.SIGKILL


def test_stop_all_kills_a_child_that_ignores_terminate(monkeypatch):
    monkeypatch.setattr(cli, "STOP_GRACE_SECONDS", 0.5)
    stubborn = subprocess.Popen(python(
        "import signal, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "print('ready', flush=True)\ntime.sleep(60)"), stdout=subprocess.PIPE)
    assert stubborn.stdout.readline().strip() == b"ready"
    cli.stop_all({"stubborn": stubborn}, already_signalled=False)
    assert stubborn.returncode == -signal.SIGKILL
