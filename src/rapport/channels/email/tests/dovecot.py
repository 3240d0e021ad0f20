"""A private Dovecot IMAP server for the tests: its own config, port, users and maildirs.

Also the two helpers tests use to put mail in and read the server's state back.

Every pytest-xdist worker starts one (the fixture is session-scoped), so everything the
server writes — sockets, state, logs, mail — lives in that worker's temp folder, and
the server listens on a free loopback port without TLS. As root the master keeps root
(Dovecot's own users run its login and auth processes) and mail is stored as `nobody`,
because Dovecot refuses to serve mail as uid 0; as another user everything runs as that
user.
"""

from __future__ import annotations

import ctypes
import grp
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from imapclient import IMAPClient

USERS = {"support": "support-secret", "billing": "billing-secret"}
START_TIMEOUT = 10.0


class DovecotMissing(RuntimeError):
    pass


@dataclass
class Dovecot:
    host: str
    port: int
    root: Path
    process: subprocess.Popen[bytes]
    users: dict[str, str] = field(default_factory=lambda: dict(USERS))

    def password(self, user: str) -> str:
        return self.users[user]

    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.root, ignore_errors=True)


def dovecot_binary() -> str | None:
    found = shutil.which("dovecot")
    if found:
        return found
    return "/usr/sbin/dovecot" if os.access("/usr/sbin/dovecot", os.X_OK) else None


def start_dovecot(*, attempts: int = 3) -> Dovecot:
    """Start a private Dovecot; raises DovecotMissing when it is not installed."""
    binary = dovecot_binary()
    if binary is None:
        raise DovecotMissing("dovecot is not installed (run scripts/ensure_dovecot.sh as root)")
    for attempt in range(attempts):
        try:
            return _start(binary)
        except RuntimeError:
            # The free port can be taken between probing and binding (parallel workers).
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


def _start(binary: str) -> Dovecot:
    root = Path(tempfile.mkdtemp(prefix="rapport-dovecot-"))
    mail_uid, mail_gid = _mail_owner()
    root.chmod(0o755)  # the mail processes run as mail_uid and must reach mail/
    for sub in ("run", "state", "mail"):
        (root / sub).mkdir()
    os.chown(root / "mail", mail_uid, mail_gid)
    _write_passwd(root, mail_uid, mail_gid)
    port = _free_port()
    (root / "dovecot.conf").write_text(_config(root, port, mail_uid, mail_gid))
    with (root / "stderr.log").open("wb") as stderr:
        process = subprocess.Popen(  # noqa: S603  (fixed argv, our own binary path)
            [binary, "-F", "-c", str(root / "dovecot.conf")],
            stdout=subprocess.DEVNULL, stderr=stderr, preexec_fn=_die_with_parent,
        )
    server = Dovecot(host="127.0.0.1", port=port, root=root, process=process)
    try:
        _wait_for_greeting(server)
    except Exception:
        server.stop()
        raise
    return server


def _die_with_parent() -> None:
    """Linux: a killed test worker must not leave its Dovecot running (PR_SET_PDEATHSIG)."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)
    except OSError:
        pass


def _mail_owner() -> tuple[int, int]:
    if os.geteuid() == 0:
        return pwd.getpwnam("nobody").pw_uid, grp.getgrnam("nogroup").gr_gid
    return os.getuid(), os.getgid()


def _write_passwd(root: Path, uid: int, gid: int) -> None:
    lines = [
        f"{user}:{{PLAIN}}{password}:{uid}:{gid}::{root / 'mail' / user}::"
        for user, password in USERS.items()
    ]
    (root / "passwd").write_text("\n".join(lines) + "\n")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _config(root: Path, port: int, uid: int, gid: int) -> str:
    if os.geteuid() == 0:
        users = "default_internal_user = dovecot\ndefault_login_user = dovenull\n"
    else:
        me, group = pwd.getpwuid(os.getuid()).pw_name, grp.getgrgid(os.getgid()).gr_name
        users = (f"default_internal_user = {me}\ndefault_internal_group = {group}\n"
                 f"default_login_user = {me}\n")
    return f"""
{users}
instance_name = rapport-test-{port}
base_dir = {root / 'run'}
state_dir = {root / 'state'}
log_path = {root / 'dovecot.log'}
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
first_valid_uid = {min(uid, 500)}
first_valid_gid = 0
mail_location = maildir:~/Maildir
namespace inbox {{
  inbox = yes
  separator = /
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root / 'passwd'}
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {root / 'passwd'}
}}
service anvil {{
  chroot =
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0666
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"""


def _wait_for_greeting(server: Dovecot) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            stderr = (server.root / "stderr.log").read_text(errors="replace")
            raise RuntimeError(f"dovecot exited at start: {stderr}{server.log()}")
        try:
            with socket.create_connection((server.host, server.port), timeout=1) as sock:
                if sock.recv(100).startswith(b"* OK"):
                    return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"dovecot did not greet on port {server.port}: {server.log()}")


# --- driving it from a test -------------------------------------------------------------
def append(client: IMAPClient, folder: str, *messages: bytes) -> None:
    for raw in messages:
        client.append(folder, raw)


def server_state(client: IMAPClient, folder: str) -> dict[int, tuple[set, bytes]]:
    """{uid: (flags, bytes)} as the server holds them, read without setting \\Seen."""
    client.select_folder(folder, readonly=True)
    data = client.fetch("1:*", ["FLAGS", "BODY.PEEK[]"])
    client.unselect_folder()
    return {uid: (set(d[b"FLAGS"]), d[b"BODY[]"]) for uid, d in data.items()}
