"""Benchmark of ballot submission through the real views, served by daphne.

Seeds a round in its voting phase (30 projects, city-wide and 3 district pots, approval with
k = 5) and N voters with signed-in sessions, starts daphne processes on 127.0.0.1, then a load
generator of C threads posts one ballot per voter to the ballot view (`action=confirm`, the
same form the page sends). A share of voters posts twice at the same moment. At the end the
database must hold exactly one voter-roll row and one ballot per voter who got a receipt:
0 lost, 0 duplicated.

Run from the project root (see bench/budgeting/README.md):

    DATABASE_URL=postgres://USER:PASS@127.0.0.1:5432/DB .venv/bin/python -m bench.budgeting.run
    SQLITE_PATH=/tmp/bench-budgeting.sqlite3 .venv/bin/python -m bench.budgeting.run
"""

import argparse
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from http.client import HTTPConnection

os.environ["DJANGO_SETTINGS_MODULE"] = "bench.budgeting.settings"
# The servers run the production settings; seeding and servers share one key per run.
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")

import django  # noqa: E402

django.setup()

from allauth.account.models import EmailAddress  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from wagtail.models import Page, Site  # noqa: E402

from budgeting.models import (  # noqa: E402
    Ballot,
    BudgetRoundPage,
    DistrictBudget,
    Proposal,
    ProposalStatus,
    VoterRecord,
)
from civitas.accounts.models import TermsConsent, User  # noqa: E402
from civitas.home.models import HomePage  # noqa: E402
from civitas.participation.models import District, Phase  # noqa: E402

TARGET_RATE = 100.0
TARGET_P95_MS = 500.0


def say(text: str) -> None:
    print(text, flush=True)


def site_root() -> HomePage:
    home = HomePage.objects.first()
    if home is not None:
        return home
    root = Page.get_first_root_node()
    for page in root.get_children():
        if page.specific_class is Page:
            Site.objects.filter(root_page=page).delete()
            page.delete()
    home = root.add_child(instance=HomePage(title="Bench city", slug="bench-home"))
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "127.0.0.1", "port": 80, "root_page": home, "site_name": "Bench"},
    )
    return home


def seed(voters: int) -> tuple[BudgetRoundPage, list[dict]]:
    """A fresh round in its voting phase and `voters` signed-in residents (session keys)."""
    home = site_root()
    now = timezone.now()
    stamp = secrets.token_hex(3)
    with transaction.atomic():
        districts = [
            District.objects.get_or_create(slug=f"bench-{n}", defaults={"name": f"Bench {n}"})[0]
            for n in range(3)
        ]
        round_page = home.add_child(
            instance=BudgetRoundPage(
                title=f"Bench round {stamp}",
                slug=f"bench-{stamp}",
                total_budget=1_000_000,
                max_selections=5,
            )
        )
        Phase.objects.create(
            page=round_page,
            phase_type="budgeting.vote",
            starts_at=now - timezone.timedelta(days=1),
            ends_at=now + timezone.timedelta(days=1),
        )
        for order, district in enumerate(districts):
            DistrictBudget.objects.create(
                page=round_page, district=district, budget=300_000, sort_order=order
            )
        Proposal.objects.bulk_create(
            [
                Proposal(
                    process=round_page,
                    title=f"Project {n}",
                    estimated_cost=10_000 + 1000 * n,
                    district=None if n < 12 else districts[n % 3],
                    status=ProposalStatus.FEASIBLE,
                )
                for n in range(30)
            ]
        )
        users = User.objects.bulk_create(
            [
                User(
                    email=f"bench-{stamp}-{n}@example.org",
                    display_name=f"Voter {n}",
                    district=districts[n % 3],
                    password="!",
                )
                for n in range(voters)
            ]
        )
        EmailAddress.objects.bulk_create(
            [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users]
        )
        TermsConsent.objects.bulk_create(
            [TermsConsent(user=u, version=settings.CIVITAS_TERMS_VERSION) for u in users]
        )
    city = list(
        Proposal.objects.filter(process=round_page, district=None).values_list("pk", flat=True)
    )
    local = {
        d.pk: list(
            Proposal.objects.filter(process=round_page, district=d).values_list("pk", flat=True)
        )
        for d in districts
    }
    rng = random.Random(5)
    people = []
    for user in users:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        picks = rng.sample(city, rng.randint(1, 5)) + rng.sample(
            local[user.district_id], rng.randint(0, 5)
        )
        people.append(
            {
                "session": session.session_key,
                "district": user.district_id,
                "picks": picks,
                "user": user.pk,
            }
        )
    return round_page, people


def ballot_path(round_page, via: str) -> str:
    """Where the ballot form posts ("ballot": the ballot's own URL) or the round page's vote/."""
    return f"{round_page.url}vote/" if via == "page" else f"/budgeting/{round_page.pk}/vote/"


def start_servers(
    server: str, count: int, first_port: int, conn_max_age: int, pool: int
) -> tuple[list[subprocess.Popen], list[int]]:
    """Start `count` daphne processes (one port each) or one gunicorn with `count` sync
    workers; (processes, ports) once every port answers."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.budgeting.settings",
        "DB_CONN_MAX_AGE": str(conn_max_age),
        "DB_POOL_MAX_SIZE": str(pool),
    }
    bin_dir = os.path.dirname(sys.executable)
    if server == "gunicorn":
        ports = [first_port]
        commands = [
            [
                os.path.join(bin_dir, "gunicorn"),
                "--workers",
                str(count),
                "--bind",
                f"127.0.0.1:{first_port}",
                "--backlog",
                "2048",
                "config.wsgi:application",
            ]
        ]
    else:
        ports = [first_port + n for n in range(count)]
        commands = [
            [os.path.join(bin_dir, "daphne"), "-b", "127.0.0.1", "-p", str(port)]
            + ["config.asgi:application"]
            for port in ports
        ]
    servers = [
        subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for command in commands
    ]
    deadline = time.monotonic() + 60
    for port in ports:
        while True:
            try:
                conn = HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/api/v1/", headers={"X-Forwarded-Proto": "https"})
                conn.getresponse().read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit(f"{server} did not start") from None
                time.sleep(0.3)
    return servers, ports


def ballot_request(port: int, path: str, person: dict) -> bytes:
    """The ballot form's POST as the browser sends it (made before the clock starts)."""
    token = secrets.token_hex(16)  # a CSRF secret of 32 characters, as Django accepts
    fields = [
        ("csrfmiddlewaretoken", token),
        ("action", "confirm"),
        ("district", str(person["district"])),
    ]
    fields += [("project", str(pk)) for pk in person["picks"]]
    body = "&".join(f"{k}={v}" for k, v in fields).encode()
    head = (
        f"POST {path} HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{port}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\n"
        f"Cookie: sessionid={person['session']}; csrftoken={token}\r\n"
        f"Referer: https://127.0.0.1:{port}{path}\r\n"
        "X-Forwarded-Proto: https\r\n"  # as the TLS-terminating proxy says
        "\r\n"
    )
    return head.encode() + body


class Connection:
    """One client's HTTP/1.1 connection to one server, kept open while the server allows
    (daphne does; gunicorn's sync workers close after each response). A minimal client: the
    generator's own CPU is taken from the same two cores as the servers'."""

    def __init__(self, port: int):
        self.port = port
        self.sock = None

    def _open(self):
        self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=60)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def close(self):
        if self.sock is not None:
            self.sock.close()
            self.sock = None

    def exchange(self, data: bytes) -> int:
        """Send one request, read the whole response; its status (0: connection failed)."""
        reused = self.sock is not None
        if not reused:
            self._open()
        self.sock.sendall(data)
        buffer = b""
        while b"\r\n\r\n" not in buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                self.close()
                if reused and not buffer:  # the server closed an idle kept-alive connection
                    return self.exchange(data)
                return 0
            buffer += chunk
        head, _sep, body = buffer.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            name, _colon, value = line.partition(":")
            headers[name.strip().lower()] = value.strip().lower()
        length = int(headers.get("content-length", "0"))
        while len(body) < length:
            chunk = self.sock.recv(65536)
            if not chunk:
                break
            body += chunk
        if headers.get("connection") == "close" or lines[0].startswith("HTTP/1.0"):
            self.close()
        return status


def load(ports, path, people, concurrency: int, double_share: float):
    """Each voter posts once; `double_share` of them post a second time at the same moment."""
    jobs = []
    rng = random.Random(9)
    for person in people:
        jobs.append(person)
        if rng.random() < double_share:
            jobs.append(person)
    rng.shuffle(jobs)
    requests = []
    for n, person in enumerate(jobs):
        port = ports[n % len(ports)]
        requests.append((person["user"], port, ballot_request(port, path, person)))
    lock = threading.Lock()
    results = []
    position = [0]

    def worker():
        connections = {port: Connection(port) for port in ports}
        while True:
            with lock:
                if position[0] >= len(requests):
                    break
                user, port, data = requests[position[0]]
                position[0] += 1
            started = time.perf_counter()
            try:
                status = connections[port].exchange(data)
            except OSError:
                connections[port].close()
                status = 0
            seconds = time.perf_counter() - started
            with lock:
                results.append((user, status, seconds))
        for connection in connections.values():
            connection.close()

    threads = [threading.Thread(target=worker) for _n in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, time.perf_counter() - started


def cpu_seconds(pids) -> float:
    """User + system CPU time of these processes and their children that still run (gunicorn's
    workers), from /proc (Linux)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    seen = set()
    todo = list(pids)
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{pid}/task/{pid}/children") as children:
                todo += [int(child) for child in children.read().split()]
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def machine_busy() -> tuple[float, float]:
    """(busy, total) jiffies of all cores since boot, from /proc/stat."""
    with open("/proc/stat") as stat:
        values = [int(v) for v in stat.readline().split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voters", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--port", type=int, default=8650)
    parser.add_argument("--double", type=float, default=0.1, help="share of voters posting twice")
    parser.add_argument("--server", choices=("daphne", "gunicorn"), default="daphne")
    parser.add_argument(
        "--conn-max-age", type=int, default=0, help="DB_CONN_MAX_AGE of the servers (default 0)"
    )
    parser.add_argument(
        "--pool", type=int, default=0, help="PostgreSQL pool size per server process (0: none)"
    )
    parser.add_argument(
        "--via",
        choices=("ballot", "page"),
        default="ballot",
        help="post to the ballot's own URL (where the form posts) or to the round page's vote/",
    )
    args = parser.parse_args()

    say(f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}")
    call_command("migrate", "--noinput", verbosity=0)
    started = time.perf_counter()
    round_page, people = seed(args.voters)
    say(f"seeded {args.voters} voters in {time.perf_counter() - started:.1f} s")
    say(
        f"{args.server} x {args.processes} processes, {args.concurrency} clients, "
        f"DB_CONN_MAX_AGE={args.conn_max_age}, pool={args.pool or 'none'}"
    )
    servers, ports = start_servers(
        args.server, args.processes, args.port, args.conn_max_age, args.pool
    )
    try:
        path = ballot_path(round_page, args.via)
        say(f"posting to {path}; load average {os.getloadavg()[0]:.2f} at the start")
        pids = [server.pid for server in servers]
        server_cpu, client_cpu, busy = cpu_seconds(pids), time.process_time(), machine_busy()
        results, elapsed = load(ports, path, people, args.concurrency, args.double)
        server_cpu = cpu_seconds(pids) - server_cpu
        client_cpu = time.process_time() - client_cpu
        busy = [after - before for after, before in zip(machine_busy(), busy, strict=True)]
    finally:
        for server in servers:
            server.send_signal(signal.SIGINT)
        for server in servers:
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
    statuses = {}
    for _user, status, _s in results:
        statuses[status] = statuses.get(status, 0) + 1
    receipts = {user for user, status, _s in results if status == 302}
    latencies = [s * 1000 for _u, _status, s in results]
    ballots = Ballot.objects.filter(round=round_page).count()
    roll = VoterRecord.objects.filter(round=round_page).count()
    lost = len(receipts) - roll
    duplicated = ballots - roll
    rate = len(results) / elapsed
    p50, p95, p99 = (percentile(latencies, q) for q in (0.5, 0.95, 0.99))
    say(
        f"CPU per post: servers {1000 * server_cpu / len(results):.1f} ms, load generator"
        f" {1000 * client_cpu / len(results):.1f} ms; all cores {100 * busy[0] / busy[1]:.0f} %"
        f" busy (everything on the machine); load average {os.getloadavg()[0]:.2f} at the end"
    )
    say("")
    say(
        "| requests | voters | seconds | ballots/s | p50 ms | p95 ms | p99 ms | statuses |"
        " ballots | roll | lost | duplicated |"
    )
    say("|---|---|---|---|---|---|---|---|---|---|---|---|")
    say(
        f"| {len(results)} | {args.voters} | {elapsed:.1f} | {rate:.0f} | {p50:.0f} | {p95:.0f} |"
        f" {p99:.0f} | {statuses} | {ballots} | {roll} | {lost} | {duplicated} |"
    )
    ok = (
        rate >= TARGET_RATE
        and p95 < TARGET_P95_MS
        and lost == 0
        and duplicated == 0
        and ballots == args.voters
        and statuses.get(302, 0) == len(results)
    )
    say(
        f"targets: >= {TARGET_RATE:.0f} ballots/s, p95 < {TARGET_P95_MS:.0f} ms, 0 lost,"
        f" 0 duplicated: {'met' if ok else 'NOT met'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
