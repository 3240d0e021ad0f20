"""A real Rapport server process for the benchmark: uvicorn on a free loopback port."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """Starts ``uvicorn rapport.asgi:application`` with the bench's environment.

    uvicorn is run directly rather than through ``rapport serve`` so the worker count
    is the benchmark's choice: one for SQLite (one writer anyway), two for PostgreSQL.
    """

    def __init__(self, env: dict[str, str], workers: int, log_path: Path):
        self.env = env
        self.workers = workers
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> "Server":
        command = [
            sys.executable, "-m", "uvicorn", "rapport.asgi:application",
            "--host", "127.0.0.1", "--port", str(self.port),
            "--workers", str(self.workers), "--no-access-log", "--log-level", "warning",
        ]
        env = {**os.environ, **self.env, "PYTHONPATH": str(ROOT / "src")}
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
        )
        log.close()
        self._wait_ready()
        return self

    def _wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"server exited early; see {self.log_path}")
            try:
                httpx.get(f"{self.base_url}/accounts/login/", timeout=2)
                # Give every worker a moment to finish importing before timing starts.
                time.sleep(1.0 if self.workers > 1 else 0.2)
                return
            except httpx.TransportError:
                time.sleep(0.2)
        raise RuntimeError(f"server did not answer within {timeout:.0f}s; see {self.log_path}")

    def __exit__(self, *exc: object) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
