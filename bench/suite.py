"""The measurement sequence: query plans and in-process timings, then the real server.

Reads are measured before the API write load, which would otherwise put fresh tickets
at the top of every list.
"""

import argparse
import os
import platform
from pathlib import Path
from typing import Any

import httpx
from django.db import connection
from django.db.models import Max

from bench import apiload, load, measure, plans
from bench.server import Server
from rapport.accounts.models import User
from rapport.contacts.models import Customer
from rapport.tickets.inbox import InboxQuery
from rapport.tickets.models import Ticket

UI_PAGE_SIZE = 50  # tickets.views.inbox.PAGE_SIZE: the in-process calls use the same
DEEP_PAGES = 50
ALL = "/tickets/?view=all"
API_LIST = "/api/v1/tickets?view=all"


def machine_info() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT sqlite_version()" if connection.vendor == "sqlite"
                       else "SHOW server_version")
        version = cursor.fetchone()[0]
    return {"cpus": os.cpu_count(), "loadavg": os.getloadavg(), "python": platform.python_version(),
            "database": f"{connection.vendor} {version}"}


def _cursors() -> dict[str, str | None]:
    return {"deep": measure.cursor_at_offset(DEEP_PAGES * UI_PAGE_SIZE),
            "mid": measure.cursor_at_fraction(0.5)}


def inprocess(users: dict[str, User], cursors: dict[str, str | None],
              args: argparse.Namespace) -> dict[str, Any]:
    from rapport.tickets.queries import timeline

    query = InboxQuery(view="all")
    out = {}
    for key, cursor in (("inbox_first", None), ("inbox_deep", cursors["deep"]),
                        ("inbox_mid", cursors["mid"])):
        out[key] = measure.inbox_inprocess(users["supervisor"], query, cursor=cursor,
                                           warmup=args.warmup, n=args.requests,
                                           limit=UI_PAGE_SIZE).as_dict()
    ids = measure.sample_ticket_ids(_max_ticket_id(), args.warmup + args.requests)
    tickets = {t.pk: t for t in Ticket.objects.filter(pk__in=ids)}

    def call(i: int) -> bool:
        return bool(timeline(users["supervisor"], tickets[ids[i % len(ids)]]))

    out["timeline"] = measure.time_calls(call, warmup=args.warmup, n=args.requests).as_dict()
    return out


def inprocess_pages(supervisor: User, args: argparse.Namespace) -> dict[str, Any]:
    """Whole pages through Django's test client: SQL statements per page (a growing count
    is an N+1) and the view's own time, to tell the server's share from Django's."""
    from django.test import Client

    client = Client()
    client.force_login(supervisor)
    out = {}
    for key, path in (("inbox_first", ALL), ("ticket_page", f"/tickets/{_max_ticket_id()}/"),
                      ("api_list_first", API_LIST)):
        client.get(path)
        response, statements = measure.count_statements(lambda p=path: client.get(p))
        status = response.status_code
        stats = measure.time_calls(lambda _, p=path: client.get(p).status_code == 200,
                                   warmup=args.warmup // 4, n=args.requests // 4)
        out[key] = {"path": path, "status": status, "queries": statements,
                    **stats.as_dict()}
    return out


def _max_ticket_id() -> int:
    return Ticket.objects.aggregate(top=Max("id"))["top"] or 1


def _api_token(supervisor: User) -> str | None:
    try:
        from rapport.api.services import create_token
    except ImportError:
        return None
    _, plaintext = create_token(supervisor, "benchmark", ["tickets:read", "tickets:write"])
    return plaintext


def http_reads(client: httpx.Client, cursors: dict[str, str | None], token: str | None,
               args: argparse.Namespace) -> dict[str, Any]:
    n, warmup = args.requests, args.warmup
    out: dict[str, Any] = {}
    if measure.probe(client, ALL) == 200:
        out["inbox_first"] = measure.http_series(client, [ALL], warmup=warmup, n=n)
        for key in ("deep", "mid"):
            path = f"{ALL}&cursor={cursors[key]}"
            out[f"inbox_{key}"] = measure.http_series(client, [path], warmup=warmup, n=n)
    else:
        out["inbox_first"] = measure.Stats(0, 0, 0, 0, 0, note="agent inbox route missing")
    ids = measure.sample_ticket_ids(_max_ticket_id(), warmup + n, seed=11)
    out["ticket_page"] = measure.http_series(client, [f"/tickets/{i}/" for i in ids],
                                             warmup=warmup, n=n)
    bearer = {"Authorization": f"Bearer {token}"} if token else None
    if bearer and measure.probe(client, API_LIST, bearer) == 200:
        out["api_list_first"] = measure.http_series(client, [API_LIST], warmup=warmup, n=n,
                                                    headers=bearer)
        path = f"{API_LIST}&cursor={cursors['mid']}"
        out["api_list_mid"] = measure.http_series(client, [path], warmup=warmup, n=n,
                                                  headers=bearer)
    else:
        out["api_list_first"] = measure.Stats(0, 0, 0, 0, 0, note="API list not available")
    return {k: v.as_dict() for k, v in out.items()}


def api_create(base_url: str, token: str | None, args: argparse.Namespace) -> dict[str, Any]:
    if token is None:
        return {"note": "rapport.api.services.create_token not available yet"}
    probe = httpx.post(f"{base_url}{apiload.CREATE_PATH}", json={},
                       headers={"Authorization": f"Bearer {token}"})
    if probe.status_code in (404, 405):
        return {"note": f"POST {apiload.CREATE_PATH} answers {probe.status_code}"}
    before = _max_ticket_id()
    customers = Customer.objects.filter(pk__lte=max(args.tickets // 10, 1)).count()
    result = apiload.create_load(base_url, token, customers, clients=args.clients,
                                 seconds=args.api_seconds)
    connection.close()  # a fresh read after another process wrote
    result["created"] = _max_ticket_id() - before
    return result


def inprocess_create(token: str | None, args: argparse.Namespace) -> dict[str, Any]:
    """The API create through Django's test client: its CPU cost without server or load."""
    if token is None:
        return measure.Stats(0, 0, 0, 0, 0, note="API not available").as_dict()
    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    pairs = apiload.payloads("inprocess")
    customers = max(args.tickets // 10, 1)

    def call(i: int) -> bool:
        subject, body = pairs[i % len(pairs)]
        data = (f'{{"subject":{subject},"body_text":{body},'
                f'"requester_email":"customer{i * 7919 % customers + 1}@bench.example"}}')
        response = client.post(apiload.CREATE_PATH, data=data, content_type="application/json")
        return response.status_code == 201

    return measure.time_calls(call, warmup=args.warmup // 2, n=args.requests // 2).as_dict()


def run_all(args: argparse.Namespace, env: dict[str, str], results: dict[str, Any]) -> None:
    users = {"supervisor": User.objects.get(username=load.SUPERVISOR),
             "agent": User.objects.get(username=load.AGENT)}
    results["tickets_in_db"] = Ticket.objects.count()
    cursors = _cursors()
    team_id = users["agent"].teams.values_list("id", flat=True).first()
    print("Query plans and in-process timings …", flush=True)
    results["plans"] = plans.analyse(users, team_id, cursors, limit=UI_PAGE_SIZE)
    results["inprocess"] = inprocess(users, cursors, args)
    results["pages_inprocess"] = inprocess_pages(users["supervisor"], args)
    token = _api_token(users["supervisor"])
    workers = args.workers or (1 if args.db == "sqlite" else 2)
    connection.close()  # hold no SQLite read snapshot or PG connection during the load
    log = Path(env["RAPPORT_DATA_DIR"]) / "server.log"
    print(f"Server ({workers} worker(s)), HTTP reads, then API creation …", flush=True)
    with Server(env, workers, log) as server, httpx.Client(base_url=server.base_url,
                                                            timeout=30) as client:
        results["server"] = {"workers": workers, "url": server.base_url,
                             "login": measure.login(client, load.SUPERVISOR, load.PASSWORD)}
        results["machine"]["loadavg_before_http"] = os.getloadavg()
        results["http"] = http_reads(client, cursors, token, args)
        results["api_create"] = api_create(server.base_url, token, args)
    results["inprocess"]["api_create"] = inprocess_create(token, args)
