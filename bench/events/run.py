"""Benchmark of the live board: N websocket clients on one event's board, a facilitator logging
M inputs through the console's sync address; measures the time from the facilitator's request
to each screen receiving the input (p50, p95, p99, max) and counts lost and doubled messages.

Starts one or more daphne processes on free loopback ports (bench/events/settings.py: the
development settings with DEBUG off), so the channel layer is the in-memory one, Redis when
REDIS_URL is set, or Redis publish/subscribe with `--layer pubsub`; clients are spread over the
processes. Run from the project root (see bench/events/README.md):

    SQLITE_PATH=/tmp/bench-events.sqlite3 .venv/bin/python -m bench.events.run
    DATABASE_URL=postgres://USER:PASS@127.0.0.1:5432/DB REDIS_URL=redis://127.0.0.1:6379/0 \
        .venv/bin/python -m bench.events.run
"""

import argparse
import asyncio
import json
import os
import resource
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.events.settings")
if "--layer" in sys.argv and sys.argv[sys.argv.index("--layer") + 1 :][:1] == ["pubsub"]:
    os.environ["BENCH_CHANNEL_LAYER"] = "pubsub"
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")

import django  # noqa: E402

django.setup()

import websockets  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.middleware.csrf import _get_new_csrf_string  # noqa: E402
from django.utils import timezone  # noqa: E402
from wagtail.models import Page, Site  # noqa: E402

from civitas.accounts.models import Role, User  # noqa: E402
from civitas.accounts.services import role_assign  # noqa: E402
from civitas.home.models import HomePage  # noqa: E402
from events.models import EventIndexPage, EventPage, EventSession  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
TARGET_P95_MS = 500.0
LOG = Path(os.environ.get("BENCH_LOG", "/tmp/bench-events-daphne.log"))


def say(text: str) -> None:
    print(text, flush=True)


def setup_event() -> tuple[EventPage, User]:
    """A live event happening now, and its facilitator (both reused by later runs)."""
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        home = HomePage(title="Bench city", slug="bench-home")
        root.add_child(instance=home)
        Site.objects.update_or_create(
            is_default_site=True,
            defaults={"hostname": "127.0.0.1", "port": 80, "root_page": home},
        )
    index = EventIndexPage.objects.first()
    if index is None:
        index = EventIndexPage(title="Events", slug="events")
        home.add_child(instance=index)
    event = EventPage.objects.filter(slug="bench-board").first()
    if event is None:
        event = EventPage(
            title="Benchmark board",
            slug="bench-board",
            kind="workshop",
            mode="online",
            online_link="https://meet.example.org/bench",
        )
        index.add_child(instance=event)
    now = timezone.now()
    EventSession.objects.filter(page=event).delete()
    EventSession.objects.create(
        page=event,
        starts_at=now - timezone.timedelta(hours=1),
        ends_at=now + timezone.timedelta(hours=5),
    )
    facilitator, _created = User.objects.get_or_create(
        email="bench-facilitator@example.org", defaults={"display_name": "Bench"}
    )
    role_assign(user=facilitator, role=Role.FACILITATOR, scope=event, by=None)
    return event, facilitator


def session_cookie(user: User) -> str:
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_daphne(port: int, log) -> subprocess.Popen:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ["DJANGO_SETTINGS_MODULE"]}
    process = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/daphne"),
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "config.asgi:application",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise SystemExit("daphne did not start")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def post_input(url: str, cookies: str, token: str, text: str) -> int:
    body = urllib.parse.urlencode(
        {
            "kind": "note",
            "text": text,
            "people_count": "1",
            "language": "en",
            "submission_key": str(uuid.uuid4()),
        }
    ).encode()
    request = urllib.request.Request(
        url,
        data=body,
        headers={
            "Cookie": cookies,
            "X-CSRFToken": token,
            "Content-Type": "application/x-www-form-urlencoded",
            "Host": url.split("/")[2],
        },
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # loopback only
        return response.status


def load_generator_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def run(args, event_id: int, event_url: str, cookie: str) -> dict:
    log = open(LOG, "w")  # noqa: SIM115  (closed at the end of the run)
    ports = [free_port() for _n in range(args.servers)]
    servers = [start_daphne(port, log) for port in ports]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    base = bases[0]
    received: dict[str, list[float]] = {}
    sizes: list[int] = []
    seen: dict[tuple[int, str], int] = {}
    run_id = uuid.uuid4().hex[:8]
    sockets = []

    async def listen(number: int, ws):
        try:
            async for raw in ws:
                data = json.loads(raw)
                if data.get("type") != "item":
                    continue
                marker = data["item"]["text"]
                if not marker.startswith(f"bench-{run_id}-"):
                    continue
                if not sizes:
                    sizes.append(len(raw.encode() if isinstance(raw, str) else raw))
                received.setdefault(marker, []).append(time.perf_counter())
                seen[(number, marker)] = seen.get((number, marker), 0) + 1
        except websockets.ConnectionClosed:
            pass

    try:
        started = time.perf_counter()
        semaphore = asyncio.Semaphore(25)

        async def open_one(number):
            # Clients are spread over the servers, as a proxy in front of them would.
            server = bases[number % len(bases)]
            ws_url = server.replace("http", "ws") + f"/ws/events/{event_id}/board/"
            async with semaphore:
                ws = await websockets.connect(
                    ws_url, origin=server, open_timeout=60, max_queue=None
                )
                sockets.append(ws)
                return asyncio.create_task(listen(number, ws))

        listeners = await asyncio.gather(*(open_one(n) for n in range(args.clients)))
        say(f"  {args.clients} websockets open in {time.perf_counter() - started:.1f} s")
        token = _get_new_csrf_string()
        cookies = f"{settings.SESSION_COOKIE_NAME}={cookie}; {settings.CSRF_COOKIE_NAME}={token}"
        sync_url = f"{base}{event_url}console/sync/"
        # One unmeasured input first: the server loads its templates and URL tables once.
        await asyncio.to_thread(post_input, sync_url, cookies, token, f"warm-up-{run_id}")
        await asyncio.sleep(1)
        cpu_before = sum(cpu_seconds(server.pid) for server in servers)
        client_cpu_before = load_generator_cpu()
        load_before = os.getloadavg()[0]
        sent_at = {}
        post_ms = []
        for number in range(args.messages):
            marker = f"bench-{run_id}-{number}"
            sent_at[marker] = time.perf_counter()
            status = await asyncio.to_thread(post_input, sync_url, cookies, token, marker)
            post_ms.append((time.perf_counter() - sent_at[marker]) * 1000)
            if status != 200:
                raise SystemExit(f"sync answered {status}")
            await asyncio.sleep(args.interval)
        deadline = time.perf_counter() + args.wait
        expected = args.clients * args.messages
        while time.perf_counter() < deadline:
            if sum(len(v) for v in received.values()) >= expected:
                break
            await asyncio.sleep(0.1)
        server_cpu = sum(cpu_seconds(server.pid) for server in servers) - cpu_before
        client_cpu = load_generator_cpu() - client_cpu_before
        load = (load_before + os.getloadavg()[0]) / 2
        firsts = [(min(times) - sent_at[m]) * 1000 for m, times in received.items()]
        lasts = [(max(times) - sent_at[m]) * 1000 for m, times in received.items()]
        latencies = sorted(
            (at - sent_at[marker]) * 1000 for marker, times in received.items() for at in times
        )
        for ws in sockets:
            await ws.close()
        for task in listeners:
            task.cancel()
    finally:
        for server in servers:
            server.send_signal(signal.SIGINT)  # a clean stop (and a written profile, if any)
        for server in servers:
            try:
                server.wait(timeout=60)
            except subprocess.TimeoutExpired:
                server.kill()
        log.close()
    delivered = len(latencies)
    doubled = sum(count - 1 for count in seen.values() if count > 1)

    def pct(p):
        return (
            latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))]
            if latencies
            else float("nan")
        )

    return {
        "expected": args.clients * args.messages,
        "delivered": delivered - doubled,
        "lost": args.clients * args.messages - (delivered - doubled),
        "doubled": doubled,
        "p50": pct(50),
        "p95": pct(95),
        "p99": pct(99),
        "max": latencies[-1] if latencies else float("nan"),
        "mean": statistics.fmean(latencies) if latencies else float("nan"),
        "cpu_per_input": 1000 * server_cpu / args.messages,
        "client_cpu_per_input": 1000 * client_cpu / args.messages,
        "load": load,
        "bytes": sizes[0] if sizes else 0,
        "post": statistics.median(post_ms),
        "first": statistics.median(firsts) if firsts else float("nan"),
        "last": statistics.median(lasts) if lasts else float("nan"),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--messages", type=int, default=20)
    parser.add_argument("--interval", type=float, default=0.5, help="seconds between inputs")
    parser.add_argument("--wait", type=float, default=15.0, help="seconds to wait for stragglers")
    parser.add_argument("--servers", type=int, default=1, help="daphne processes (needs Redis)")
    parser.add_argument(
        "--layer", choices=["settings", "pubsub"], default="settings", help="channel layer"
    )
    args = parser.parse_args()
    layer = settings.CHANNEL_LAYERS["default"]["BACKEND"].rsplit(".", 1)[-1]
    if args.servers > 1 and layer == "InMemoryChannelLayer":
        raise SystemExit("Several servers share a board only through Redis: set REDIS_URL.")
    database = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    say(
        f"Live board fan-out: {args.clients} clients, {args.messages} inputs, {layer}, "
        f"{database}, {args.servers} daphne"
    )
    call_command("migrate", verbosity=0, interactive=False)
    event, facilitator = setup_event()
    result = asyncio.run(run(args, event.pk, event.url, session_cookie(facilitator)))
    say(
        "| layer | database | daphne | clients | inputs | delivered | lost | doubled "
        "| p50 ms | p95 ms | p99 ms | max ms | server CPU/input | client CPU/input | load |"
    )
    say(
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
        "| ---: | ---: | ---: |"
    )
    say(
        f"| {layer} | {database} | {args.servers} | {args.clients} | {args.messages} | "
        f"{result['delivered']} | {result['lost']} | {result['doubled']} | {result['p50']:.0f} | "
        f"{result['p95']:.0f} | {result['p99']:.0f} | {result['max']:.0f} | "
        f"{result['cpu_per_input']:.0f} ms | {result['client_cpu_per_input']:.0f} ms | "
        f"{result['load']:.1f} |"
    )
    say(
        f"median per input: facilitator's request {result['post']:.0f} ms, "
        f"first screen {result['first']:.0f} ms, last screen {result['last']:.0f} ms; "
        f"message size {result['bytes']} bytes"
    )
    ok = result["lost"] == 0 and result["doubled"] == 0 and result["p95"] < TARGET_P95_MS
    say(f"target p95 < {TARGET_P95_MS:.0f} ms, no message lost: {'met' if ok else 'NOT met'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
