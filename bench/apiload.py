"""API ticket creation under concurrent load: wrk with a Lua script, or an asyncio fallback.

wrk (Debian package ``wrk``) is preferred: on a 2-core machine a Python load generator
takes CPU the server needs, and the numbers would measure the client as much as Rapport.
"""

import asyncio
import json
import random
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from bench import words
from bench.measure import summarise

CREATE_PATH = "/api/v1/tickets"
RESULT_LINE = re.compile(r"^BENCH_RESULT (.*)$", re.M)
NEW_CUSTOMER_EVERY = 10  # one request in ten names a requester never seen before


def payloads(run: str, count: int = 48) -> list[tuple[str, str]]:
    """(subject JSON, body JSON) pairs in the four languages, ready to splice into JSON."""
    rng = random.Random(run)
    pairs = []
    for i in range(count):
        lang = words.LANGUAGES[i % len(words.LANGUAGES)]
        subject = rng.choice(words.SUBJECTS[lang])
        body = " ".join(rng.sample(words.SENTENCES[lang], 3))
        pairs.append((json.dumps(subject, ensure_ascii=False),
                      json.dumps(body, ensure_ascii=False)))
    return pairs


def _lua_string(text: str) -> str:
    assert "]==]" not in text
    return f"[==[{text}]==]"


def lua_script(token: str, customers: int, run: str) -> str:
    pairs = payloads(run)
    subjects = ",\n  ".join(_lua_string(s) for s, _ in pairs)
    bodies = ",\n  ".join(_lua_string(b) for _, b in pairs)
    return f"""
local subjects = {{
  {subjects}
}}
local bodies = {{
  {bodies}
}}
local customers = {customers}
local run = "{run}"
local headers = {{
  ["Authorization"] = "Bearer {token}",
  ["Content-Type"] = "application/json",
}}
local threads = {{}}
counter = 0
statuses = {{}}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function request()
  counter = counter + 1
  local requester
  if counter % {NEW_CUSTOMER_EVERY} == 0 then
    requester = string.format("new-%s-%d-%d@bench.example", run, tid, counter)
  else
    requester = string.format("customer%d@bench.example",
                              (counter * 7919 + tid * 104729) % customers + 1)
  end
  local i = counter % #subjects + 1
  local body = string.format(
    '{{"subject":%s,"body_text":%s,"requester_email":"%s","priority":"normal"}}',
    subjects[i], bodies[i], requester)
  return wrk.format("POST", "{CREATE_PATH}", headers, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local parts = {{}}
  for _, thread in ipairs(threads) do
    for code, n in pairs(thread:get("statuses")) do
      parts[#parts + 1] = string.format('"%d":%d', code, n)
    end
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {{"requests":%d,"duration_us":%d,"p50_us":%d,"p95_us":%d,' ..
    '"max_us":%d,"mean_us":%.1f,"socket_errors":%d,"non_2xx":%d,"statuses":[{{%s}}]}}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency.max, latency.mean, e.connect + e.read + e.write + e.timeout, e.status,
    table.concat(parts, "}},{{")))
end
"""


def run_wrk(base_url: str, token: str, customers: int, *, clients: int, seconds: int,
            run: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="rbench_wrk_") as tmp:
        script = Path(tmp) / "create.lua"
        script.write_text(lua_script(token, customers, run), encoding="utf-8")
        command = ["wrk", "-t", str(min(2, clients)), "-c", str(clients), "-d", f"{seconds}s",
                   "--timeout", "10s", "-s", str(script), base_url]
        done = subprocess.run(command, capture_output=True, text=True, check=False,
                              timeout=seconds + 60)
    match = RESULT_LINE.search(done.stdout)
    if done.returncode != 0 or not match:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    raw = json.loads(match.group(1))
    statuses: dict[str, int] = {}
    for part in raw["statuses"]:
        for code, n in part.items():
            statuses[code] = statuses.get(code, 0) + n
    duration = raw["duration_us"] / 1e6
    return {
        "tool": "wrk", "clients": clients, "seconds": round(duration, 2),
        "requests": raw["requests"], "rps": round(raw["requests"] / duration, 1),
        "p50_ms": raw["p50_us"] / 1000, "p95_ms": raw["p95_us"] / 1000,
        "max_ms": raw["max_us"] / 1000, "mean_ms": round(raw["mean_us"] / 1000, 2),
        "errors": raw["socket_errors"] + raw["non_2xx"], "statuses": statuses,
    }


def _fallback_body(pairs: list[tuple[str, str]], customers: int, run: str, worker: int,
                   n: int) -> bytes:
    subject, body = pairs[n % len(pairs)]
    if n % NEW_CUSTOMER_EVERY == 0:
        email = f"new-{run}-{worker}-{n}@bench.example"
    else:
        email = f"customer{(n * 7919 + worker * 104729) % customers + 1}@bench.example"
    return (f'{{"subject":{subject},"body_text":{body},"requester_email":"{email}",'
            f'"priority":"normal"}}').encode()


async def _fallback(base_url: str, token: str, customers: int, clients: int, seconds: int,
                    run: str) -> tuple[list[float], dict[str, int], float]:
    pairs = payloads(run)
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    started = time.perf_counter()
    deadline = started + seconds
    limits = httpx.Limits(max_connections=clients)

    async def worker(client: httpx.AsyncClient, wid: int) -> None:
        n = 0
        while time.perf_counter() < deadline:
            n += 1
            body = _fallback_body(pairs, customers, run, wid, n)
            t0 = time.perf_counter()
            try:
                response = await client.post(CREATE_PATH, content=body)
                key = str(response.status_code)
            except httpx.HTTPError:
                key = "socket"
            latencies.append(time.perf_counter() - t0)
            statuses[key] = statuses.get(key, 0) + 1

    async with httpx.AsyncClient(base_url=base_url, headers=headers, limits=limits,
                                 timeout=10) as client:
        await asyncio.gather(*(worker(client, i + 1) for i in range(clients)))
    return latencies, statuses, time.perf_counter() - started


def run_fallback(base_url: str, token: str, customers: int, *, clients: int, seconds: int,
                 run: str) -> dict[str, Any]:
    latencies, statuses, duration = asyncio.run(
        _fallback(base_url, token, customers, clients, seconds, run)
    )
    errors = sum(n for code, n in statuses.items() if not code.startswith("2"))
    stats = summarise(latencies)
    return {
        "tool": "httpx-asyncio", "clients": clients, "seconds": round(duration, 2),
        "requests": len(latencies), "rps": round(len(latencies) / duration, 1),
        "p50_ms": stats.p50_ms, "p95_ms": stats.p95_ms, "max_ms": stats.max_ms,
        "mean_ms": stats.mean_ms, "errors": errors, "statuses": statuses,
    }


def create_load(base_url: str, token: str, customers: int, *, clients: int,
                seconds: int) -> dict[str, Any]:
    run = time.strftime("%H%M%S")
    if shutil.which("wrk"):
        return run_wrk(base_url, token, customers, clients=clients, seconds=seconds, run=run)
    return run_fallback(base_url, token, customers, clients=clients, seconds=seconds, run=run)
