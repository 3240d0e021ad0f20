"""`rapport serve` as a real process: migrate a fresh SQLite folder, serve, answer, stop."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

pytestmark = pytest.mark.server


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get_status(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:  # noqa: S310 (local URL)
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return None


def test_serve_answers_http_and_stops(tmp_path):
    env = {**os.environ, "RAPPORT_DATA_DIR": str(tmp_path),
           "DJANGO_SETTINGS_MODULE": "rapport.settings"}
    for name in ("RAPPORT_DATABASE_URL", "RAPPORT_REDIS_URL", "RAPPORT_SQLITE_PATH"):
        env.pop(name, None)
    rapport = [sys.executable, "-m", "rapport.cli"]
    subprocess.run([*rapport, "migrate", "-v", "0"], env=env, check=True, timeout=60)
    port = free_port()
    server = subprocess.Popen([*rapport, "serve", "--port", str(port)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline, status = time.monotonic() + 15, None
        while time.monotonic() < deadline and server.poll() is None:
            status = get_status(f"http://127.0.0.1:{port}/admin/login/")
            if status == 200:
                break
            time.sleep(0.2)
        assert status == 200, server.stdout.read().decode() if server.poll() is not None else ""
    finally:
        server.terminate()
        output = server.communicate(timeout=10)[0].decode()
    # uvicorn shuts down gracefully, then re-raises the signal it was stopped with.
    assert server.returncode in (0, -signal.SIGTERM), output
    assert "Uvicorn running" in output
    assert "Finished server process" in output
    assert (tmp_path / "rapport.sqlite3").exists()
