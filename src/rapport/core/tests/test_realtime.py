"""The agent event stream delivers ticket changes only to those who may see the ticket."""

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from asgiref.sync import sync_to_async

from rapport.core import realtime
from rapport.core.tests.sockets import agent_communicator
from rapport.tickets import services
from rapport.tickets.models import Priority

pytestmark = [
    pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_channel_layer")
]




_connect = agent_communicator


async def test_anonymous_is_refused():
    from django.contrib.auth.models import AnonymousUser

    communicator, connected = await _connect(AnonymousUser())
    assert not connected


async def test_changes_reach_team_and_supervisor_not_others(ticket, agent, other_agent, supervisor):
    team_socket, ok1 = await _connect(agent)
    boss_socket, ok2 = await _connect(supervisor)
    other_socket, ok3 = await _connect(other_agent)
    assert ok1
    assert ok2
    assert ok3
    await sync_to_async(services.set_priority)(ticket, actor=agent, priority=Priority.URGENT)
    for socket in (team_socket, boss_socket):
        event = await socket.receive_json_from(timeout=5)
        assert event == {"type": "ticket.changed", "ticket": {"id": ticket.pk, "status": "new"}}
    assert await other_socket.receive_nothing(timeout=0.3)
    for socket in (team_socket, boss_socket, other_socket):
        await socket.disconnect()


async def test_rolled_back_change_sends_nothing(ticket, agent):
    from django.db import transaction

    socket, ok = await _connect(agent)
    assert ok

    def change_then_fail():
        with transaction.atomic():
            services.set_priority(ticket, actor=agent, priority=Priority.LOW)
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        await sync_to_async(change_then_fail)()
    assert await socket.receive_nothing(timeout=0.3)
    await socket.disconnect()
    await asyncio.sleep(0)


# --- The embedded mode's relay: events of another process (rapport worker) -------------

PUBLISHER = """
import django
django.setup()
from django.db import transaction
from rapport.core.effects import publish_on_commit
with transaction.atomic():
    publish_on_commit(["tickets.all"], {"type": "ticket.changed",
                                        "ticket": {"id": 4242, "status": "new"}})
"""


@pytest.fixture
def embedded(settings, tmp_path):
    """The embedded mode: an in-memory layer, and a relay folder of this test's own."""
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    settings.RAPPORT_REALTIME_DIR = str(tmp_path / "realtime")
    return tmp_path


def _run_publisher(data_dir) -> None:
    root = Path(__file__).resolve().parents[4]
    env = {k: v for k, v in os.environ.items()
           if k not in ("RAPPORT_DATABASE_URL", "RAPPORT_REDIS_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(RAPPORT_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="rapport.settings",
               PYTHONPATH=str(root / "src"))
    subprocess.run([sys.executable, "-c", PUBLISHER], env=env, check=True, timeout=60,
                   cwd=data_dir)


async def test_event_of_another_process_reaches_the_sockets_through_the_relay(
    embedded, supervisor,
):
    socket, ok = await _connect(supervisor)
    assert ok
    await asyncio.to_thread(_run_publisher, embedded)  # a second, real process
    event = await socket.receive_json_from(timeout=5)
    assert event == {"type": "ticket.changed", "ticket": {"id": 4242, "status": "new"}}
    assert await socket.receive_nothing(timeout=1.5)  # once
    await socket.disconnect()


async def test_own_events_are_sent_once_not_relayed_again(embedded, ticket, agent):
    socket, ok = await _connect(agent)
    assert ok
    await sync_to_async(services.set_priority)(ticket, actor=agent, priority=Priority.HIGH)
    assert (await socket.receive_json_from(timeout=5))["ticket"]["id"] == ticket.pk
    assert list((embedded / "realtime").glob("*.json"))  # left for the other processes
    assert await socket.receive_nothing(timeout=1.5)
    await socket.disconnect()


def test_rolled_back_change_leaves_nothing_for_other_processes(embedded, ticket, agent):
    from django.db import transaction

    before = set((embedded / "realtime").glob("*.json"))  # the ticket's creation is there
    def change_then_fail():
        with transaction.atomic():
            services.set_priority(ticket, actor=agent, priority=Priority.LOW)
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        change_then_fail()
    assert set((embedded / "realtime").glob("*.json")) == before
    services.set_priority(ticket, actor=agent, priority=Priority.LOW)
    assert len(set((embedded / "realtime").glob("*.json")) - before) == 1


def test_relay_folder_keeps_about_a_minute_and_readers_skip_history(embedded, monkeypatch):
    folder = embedded / "realtime"
    folder.mkdir()
    old = time.time_ns() - realtime.KEEP_NS - 10**9
    stale = folder / f"{old:020d}-abc-1x1.json"
    stale.write_text('{"groups": ["tickets.all"], "event": {"type": "ticket.changed"}}')
    history = folder / f"{time.time_ns():020d}-abd-1x1.json"
    history.write_text('{"groups": ["tickets.all"], "event": {"type": "ticket.changed"}}')
    reader = realtime.RelayReader(folder)  # a web server starting now
    monkeypatch.setattr(realtime, "_last_prune_ns", 0)

    realtime.relay_event(["team.1"], {"type": "ticket.changed", "ticket": {"id": 1}})

    assert not stale.exists()
    assert history.exists()
    assert reader.poll() == []  # its own origin's file, and history from before it started
    monkeypatch.setattr(realtime, "ORIGIN", "another")
    realtime.relay_event(["team.2"], {"type": "ticket.changed", "ticket": {"id": 2}})
    assert reader.poll() == [(["team.2"], {"type": "ticket.changed", "ticket": {"id": 2}})]
    assert reader.poll() == []


async def test_the_embedded_layer_still_expires_messages_while_sweeping_at_most_once_a_second(
    monkeypatch,
):
    from rapport.core import layers

    layer = layers.SweepingInMemoryChannelLayer(expiry=1)
    await layer.group_add("g", "c1!x")
    await layer.send("c1!x", {"type": "old"})
    clock = [1000.0]
    monkeypatch.setattr(layers.time, "monotonic", lambda: clock[0])
    layer._clean_expired()  # the first sweep runs
    monkeypatch.setattr("channels.layers.time.time", lambda: 10**10)  # long after expiry
    layer._clean_expired()  # within the second: skipped
    assert "c1!x" in layer.channels
    clock[0] += layers.SWEEP_SECONDS
    layer._clean_expired()
    assert "c1!x" not in layer.channels  # expired message gone, channel left its groups
    assert "c1!x" not in layer.groups.get("g", {})


@pytest.mark.django_db
def test_a_sole_web_server_writes_no_relay_files(monkeypatch, django_capture_on_commit_callbacks):
    from rapport.core import effects, realtime
    from rapport.core.layers import SweepingInMemoryChannelLayer

    written = []
    monkeypatch.setattr(effects, "relay_event", lambda groups, event: written.append(groups))
    monkeypatch.setattr(effects, "get_channel_layer", SweepingInMemoryChannelLayer)  # embedded
    monkeypatch.setenv(realtime.SOLE_WEB_SERVER_ENV, "1")
    with django_capture_on_commit_callbacks(execute=True):
        effects.publish_on_commit(["tickets.all"], {"type": "ticket.changed", "ticket": {}})
    assert written == []  # `rapport serve` with one process: nobody to tell
    monkeypatch.delenv(realtime.SOLE_WEB_SERVER_ENV)
    with django_capture_on_commit_callbacks(execute=True):
        effects.publish_on_commit(["tickets.all"], {"type": "ticket.changed", "ticket": {}})
    assert written == [["tickets.all"]]  # the worker, smtpd, poller: the web server listens
