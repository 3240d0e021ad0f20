"""In the embedded mode the web server, the worker and the SMTP server are separate
processes: an agent the web server knows to be online must be online for the worker's
routing too."""

import os
import subprocess
import sys

import pytest

MARK = "from rapport.accounts.availability import mark_available; mark_available(41)"
READ = "from rapport.accounts.availability import available; print(available([41, 42]))"


def _run(code, data_dir):
    env = {k: v for k, v in os.environ.items()
           if k not in ("RAPPORT_DATABASE_URL", "RAPPORT_REDIS_URL")}
    env.update(RAPPORT_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="rapport.settings",
               RAPPORT_SECRET_KEY="x" * 50)
    script = f"import django; django.setup(); {code}"
    return subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                          text=True, check=True, timeout=60).stdout.strip()


@pytest.mark.skipif(bool(os.environ.get("RAPPORT_REDIS_URL")), reason="the embedded mode")
def test_a_heartbeat_from_one_process_is_seen_by_another(tmp_path):
    _run(MARK, tmp_path)
    assert _run(READ, tmp_path) == "[41]"
