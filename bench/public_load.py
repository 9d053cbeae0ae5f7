"""A media spike on the public site, measured: many clients on a mix of public pages for a
minute, with (optionally) a chat load at the same time and a counsellor logging in meanwhile.

It starts everything itself on this machine, in a temporary directory:

- production (default): a fresh PostgreSQL database (from VANGNET_TEST_DATABASE_URL, a role that
  may create databases), Redis (VANGNET_TEST_REDIS_URL), `vangnet serve --workers 2` with the
  metrics exporter, and with `--nginx` Debian's nginx running deploy/nginx-vangnet.conf in
  front (its micro-cache on; its per-client rate limit raised, since every benchmark client
  comes from 127.0.0.1). With `--chat-workers N` the deployment sample's topology: the chat
  on N processes of its own (`vangnet serve --workers N`, nginx's `vangnet_chat` upstream),
  the pages on the others at a lower CPU priority (`--nice`, `--page-nice`);
- `--embedded`: the embedded default (SQLite, one process, no Redis).

The load tool is `ab` (Apache Bench, Debian's apache2-utils): one `ab` per URL of the mix, all
at once, keep-alive on (`-k`, as browsers do), for `--duration` seconds, each client as fast
as it can (the capacity). With `--cached-rate` / `--search-rate` the same clients offer a
fixed rate instead, through `hey` (Debian's package), which limits each client's requests per
second: the spike at the issue's rates, to see what the chat does while it runs. The chat load is
bench/chat_load.py against the same server processes. It prints, per URL and per kind (cached
page, directory search by region, directory search by postcode): requests/s, failed and
non-2xx, p99; the chat's delivery p99 and loss; the most PostgreSQL connections seen; the
staff login and console during the spike; and the metrics an operator would see. Example
(the figures in docs/benchmarks.md):

    python -m bench.public_load --clients 200 --duration 60 --nginx --chat-workers 1 \
        --chat-pairs 100
    python -m bench.public_load --embedded --clients 50 --duration 30

bench/spike_quiet.sh runs the full measurement of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.chatclient import staff_login  # noqa: E402
from bench.nginx_front import NginxFront, free_port  # noqa: E402

# The mix: pages the same for every visitor (cached), and directory searches: by region, as
# a browser with JavaScript asks for them (guide/static/guide/directory-search.js maps the
# postcode 8011AB, 1012AB, 9711AA to its region), and a small share by postcode, as a browser
# without JavaScript sends them (never cached by nginx).
CACHED = ["/", "/parents/", "/info/parents-signals/", "/help/", "/self-check/parents/"]
SEARCHES = [
    "/help/?need=talk&audience=&region=GE-OV",
    "/help/?need=advice&audience=parents&region=NH",
    "/help/?need=care&audience=&region=GR",
]
POSTCODE_SEARCHES = ["/help/?need=talk&postcode=8011AB"]
SEARCH_SHARE = 0.3  # of the clients, by default
POSTCODE_SHARE = 0.1  # of the search clients, by default


@dataclass
class AbResult:
    url: str
    kind: str
    clients: int
    requests: int = 0
    failed: int = 0
    non_2xx: int = 0
    rps: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    max_ms: float = 0.0


STARTED: list[subprocess.Popen[Any]] = []  # every process this run starts: all stopped at the end


def started(process: subprocess.Popen[Any]) -> subprocess.Popen[Any]:
    STARTED.append(process)
    return process


def stop_everything() -> None:
    for process in reversed(STARTED):
        if process.poll() is None:
            process.terminate()
    for process in reversed(STARTED):
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def load_tool_output(command: list[str], nice: int) -> str:
    """Run a load tool (at CPU niceness `nice`) to its end; its report."""
    tool = started(
        subprocess.Popen(
            [*(["nice", "-n", str(nice)] if nice else []), *command],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
    )
    out, _ = tool.communicate()
    return out


def number(pattern: str, out: str, scale: float = 1.0) -> float:
    """The first group of `pattern` in a tool's report, times `scale`; 0 when absent."""
    found = re.search(pattern, out)
    return round(float(found.group(1)) * scale, 1) if found else 0.0


def run_ab(base: str, path: str, kind: str, clients: int, duration: int, nice: int = 0) -> AbResult:
    out = load_tool_output(
        ["ab", "-q", "-k", "-r", "-t", str(duration), "-n", "100000000", "-c", str(clients)]
        + [f"{base}{path}"],
        nice,
    )
    result = AbResult(url=path, kind=kind, clients=clients)
    result.requests = int(number(r"Complete requests:\s+(\d+)", out))
    result.failed = int(number(r"Failed requests:\s+(\d+)", out))
    result.non_2xx = int(number(r"Non-2xx responses:\s+(\d+)", out))
    result.rps = number(r"Requests per second:\s+([\d.]+)", out)
    result.p50_ms = number(r"\n\s+50%\s+(\d+)", out)
    result.p99_ms = number(r"\n\s+99%\s+(\d+)", out)
    result.max_ms = number(r"100%\s+(\d+)", out)
    if not result.requests:
        print(out, file=sys.stderr)
    return result


def run_hey(
    base: str, path: str, kind: str, clients: int, duration: int, rate: float, nice: int = 0
) -> AbResult:
    """The same URL at a fixed rate: `hey` (Debian's package) with `clients` workers, each
    limited to rate / clients requests per second, keep-alive on."""
    out = load_tool_output(
        ["hey", "-z", f"{duration}s", "-c", str(clients), "-q", f"{rate / clients:.4f}"]
        + ["-t", "30", f"{base}{path}"],
        nice,
    )
    result = AbResult(url=path, kind=kind, clients=clients)
    statuses = {int(code): int(n) for code, n in re.findall(r"\[(\d{3})\]\s+(\d+) responses", out)}
    errors = sum(int(n) for n in re.findall(r"\[(\d+)\]\s+Get ", out))
    result.requests = sum(statuses.values()) + errors
    result.failed = errors
    result.non_2xx = sum(n for code, n in statuses.items() if not 200 <= code < 300)
    result.rps = number(r"Requests/sec:\s+([\d.]+)", out)
    result.p50_ms = number(r"50% in ([\d.]+) secs", out, 1000)
    result.max_ms = number(r"Slowest:\s+([\d.]+) secs", out, 1000)
    # hey leaves out its 99th percentile on small samples: the slowest then stands in.
    result.p99_ms = number(r"99% in ([\d.]+) secs", out, 1000) or result.max_ms
    if not result.requests:
        print(out, file=sys.stderr)
    return result


def cli(env: dict[str, str], *args: str) -> str:
    return subprocess.run(
        [sys.executable, "-m", "vangnet.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    ).stdout


def prepare(directory: Path, embedded: bool) -> tuple[dict[str, str], str | None]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.pop("REDIS_URL", None)
    env.update(
        VANGNET_DATA_DIR=str(directory / "data"),
        VANGNET_HTTPS="0",
        VANGNET_LOG_LEVEL="warning",
        VANGNET_CHAT_OPENING_HOURS="",
        ALLOWED_HOSTS="127.0.0.1,localhost",
    )
    database_name = None
    if not embedded:
        import psycopg
        from cryptography.fernet import Fernet
        from psycopg import sql

        admin = os.environ["VANGNET_TEST_DATABASE_URL"]
        database_name = f"vangnet_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database_name)))
        env.update(
            DATABASE_URL=admin.rsplit("/", 1)[0] + "/" + database_name,
            REDIS_URL=os.environ["VANGNET_TEST_REDIS_URL"],
            VANGNET_CHANNEL_PREFIX=f"bench{uuid.uuid4().hex[:6]}",
            SECRET_KEY=secrets.token_urlsafe(48),
            VANGNET_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        )
    else:
        env["VANGNET_MANIFEST_STATIC"] = "0"
    cli(env, "migrate", "--noinput", "-v", "0")
    cli(env, "demo-data", "--if-empty")
    if not embedded:
        cli(env, "collectstatic", "--noinput", "-v", "0")
    return env, database_name


def drop_database(name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(os.environ["VANGNET_TEST_DATABASE_URL"], autocommit=True) as conn:
        drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
        conn.execute(drop.format(sql.Identifier(name)))


def wait_for(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()  # noqa: S310
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("the server did not start")


def connection_sampler(env: dict[str, str], stop: threading.Event, seen: list[int]) -> None:
    """The most connections to the benchmark database at any moment (bounded by the pool)."""
    import psycopg

    name = env["DATABASE_URL"].rsplit("/", 1)[1]
    with psycopg.connect(os.environ["VANGNET_TEST_DATABASE_URL"], autocommit=True) as conn:
        while not stop.is_set():
            row = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", (name,)
            ).fetchone()
            seen.append(int(row[0]) if row else 0)
            stop.wait(0.5)


def staff_during_spike(env: dict[str, str], base: str, results: dict[str, Any]) -> None:
    """A counsellor logs in and opens the console while the spike runs."""
    script = (
        "from vangnet.accounts.models import User;"
        "from vangnet.accounts.services import current_totp;"
        "print(current_totp(User.objects.get(username='anna')))"
    )
    try:
        code = cli(env, "shell", "-c", script).strip().splitlines()[-1]
        started = time.monotonic()
        session = staff_login(base, "anna", "vangnet-demo-2026", code)
        request = urllib.request.Request(  # noqa: S310
            f"{base}/staff/chat/", headers={"Cookie": f"sessionid={session}"}
        )
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
            results["staff"] = {
                "console_status": answer.status,
                "login_and_console_s": round(time.monotonic() - started, 2),
            }
    except Exception as error:
        results["staff"] = {"error": repr(error)}


def scrape(port: int) -> dict[str, float]:
    text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10).read().decode()  # noqa: S310
    wanted = (
        "vangnet_http_requests_total",
        "vangnet_page_cache_total",
        "vangnet_db_pool",
        "vangnet_busy_pages_total",
        "vangnet_search_cache_total",
        "vangnet_chat_messages_stored_total",
    )
    figures: dict[str, float] = {}
    for line in text.splitlines():
        if line.startswith(wanted):
            name, _, value = line.rpartition(" ")
            figures[name] = float(value)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--embedded", action="store_true")
    parser.add_argument("--nginx", action="store_true", help="nginx (the sample) in front")
    parser.add_argument("--chat-pairs", type=int, default=0, help="chat load during the spike")
    parser.add_argument("--chat-rate", type=float, default=0.5)
    parser.add_argument(
        "--chat-workers",
        type=int,
        default=0,
        help="the chat on N processes of its own (0: in the page processes)",
    )
    parser.add_argument(
        "--page-nice", type=int, default=5, help="CPU niceness of the page processes"
    )
    parser.add_argument(
        "--chat-nice",
        type=int,
        default=-5 if os.geteuid() == 0 else 0,
        help="CPU niceness of the chat's processes (below 0 needs root, as systemd's Nice=)",
    )
    parser.add_argument(
        "--search-share",
        type=float,
        default=SEARCH_SHARE,
        help="the share of the clients on directory searches (1.0: searches only)",
    )
    parser.add_argument(
        "--postcode-share",
        type=float,
        default=POSTCODE_SHARE,
        help="the share of the search clients searching by postcode (no JavaScript)",
    )
    parser.add_argument(
        "--cached-rate",
        type=float,
        default=0,
        help="offer the cached pages at this many requests/s in all (hey); 0: as fast as"
        " the clients go (ab)",
    )
    parser.add_argument(
        "--search-rate",
        type=float,
        default=0,
        help="offer the directory searches at this many requests/s in all (hey); 0: ab",
    )
    parser.add_argument(
        "--load-nice",
        type=int,
        default=0,
        help="CPU niceness of the page load tool (ab): above 0 it yields the CPU to the servers"
        " and the chat load, as visitors' own devices would not share the server's cores",
    )
    parser.add_argument("--json", type=Path, help="append the results as one JSON line here")
    options = parser.parse_args()
    # `kill` (SIGTERM) ends the run through its clean-up, like Ctrl-C.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    directory = Path(tempfile.mkdtemp(prefix="vangnet-public-load-"))
    env, database_name = prepare(directory, options.embedded)
    if options.nginx:
        # Behind nginx's TLS, as in production: X-Forwarded-Proto is trusted, so a staff login
        # through nginx passes the CSRF origin check; the servers do not redirect themselves.
        env.update(VANGNET_HTTPS="1", VANGNET_SSL_REDIRECT="0")
    port, metrics_port = free_port(), free_port()
    split = options.chat_workers > 0 and not options.embedded
    chat_port, chat_metrics_port = (free_port(), free_port()) if split else (port, metrics_port)
    front: NginxFront | None = None
    if options.nginx:
        front = NginxFront(
            directory / "nginx",
            [port],
            static_root=directory / "data" / "static",
            chat_ports=[chat_port],
            rate_per_second=1_000_000,
        )
        # nginx passes `Host` without the port (right for 443); the login's Origin has it.
        env["CSRF_TRUSTED_ORIGINS"] = front.url
    workers = 1 if options.embedded else options.workers

    def serve(
        serve_port: int, serve_metrics: int, count: int, nice: int, log: str
    ) -> subprocess.Popen[Any]:
        command = [sys.executable, "-m", "vangnet.cli", "serve", "--port", str(serve_port)]
        command += ["--workers", str(count), "--metrics-port", str(serve_metrics)]
        command += ["--nice", str(nice)] if nice > 0 else []
        return started(
            subprocess.Popen(
                command,
                env=env,
                # A higher priority is set as the service manager would (deploy/systemd).
                preexec_fn=(lambda: os.nice(nice)) if nice < 0 else None,  # noqa: PLW1509
                stdout=(directory / log).open("wb"),
                stderr=subprocess.STDOUT,
            )
        )

    serve(port, metrics_port, workers, options.page_nice if split else 0, "server.log")
    if split:
        serve(
            chat_port, chat_metrics_port, options.chat_workers, options.chat_nice, "chat-server.log"
        )
    results: dict[str, Any] = {
        "clients": options.clients,
        "duration": options.duration,
        "mode": "embedded" if options.embedded else "production",
        "workers": workers,
        "chat_workers": options.chat_workers if split else 0,
        "page_nice": options.page_nice if split else 0,
        "chat_nice": options.chat_nice if split else 0,
        "load_nice": options.load_nice,
        "offered_rates": {"cached": options.cached_rate, "search": options.search_rate},
        "nginx": options.nginx,
        "load_average_before": os.getloadavg()[0],
    }
    try:
        wait_for(port)
        wait_for(chat_port)
        base = f"http://127.0.0.1:{port}"
        if front:
            front.start()
            base = front.url
            os.environ["SSL_CERT_FILE"] = str(front.cert)  # the staff login trusts it
        for path in CACHED + SEARCHES + POSTCODE_SEARCHES:  # warm up: each rendered once
            run_ab(base, path, "warm", 1, 1)
        search_clients = round(options.clients * options.search_share)
        cached_clients = options.clients - search_clients
        postcode_clients = round(search_clients * options.postcode_share)
        region_clients = search_clients - postcode_clients
        plan = (
            [(p, "cached", cached_clients // len(CACHED)) for p in CACHED]
            + [(p, "search", region_clients // len(SEARCHES)) for p in SEARCHES]
            + [
                (p, "postcode_search", postcode_clients // len(POSTCODE_SEARCHES))
                for p in POSTCODE_SEARCHES
            ]
        )
        plan = [step for step in plan if step[2] > 0]  # --search-share 1.0: searches only
        stop = threading.Event()
        connections: list[int] = []
        sampler = None
        if not options.embedded:
            sampler = threading.Thread(target=connection_sampler, args=(env, stop, connections))
            sampler.start()
        chat = None
        if options.chat_pairs:
            chat_json = directory / "chat.json"
            chat = started(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "bench.chat_load",
                        "--url",
                        # Through nginx when it runs, as a browser would (wss, its Origin).
                        front.url if front else f"http://127.0.0.1:{chat_port}",
                        "--pairs",
                        str(options.chat_pairs),
                        "--rate",
                        str(options.chat_rate),
                        "--duration",
                        str(options.duration),
                        "--json",
                        str(chat_json),
                    ],
                    env=env
                    | {"DJANGO_SETTINGS_MODULE": "vangnet.settings", "PYTHONUNBUFFERED": "1"}
                    | ({"SSL_CERT_FILE": str(front.cert)} if front else {}),
                    cwd=REPO,
                    stdout=(directory / "chat.log").open("wb"),
                    stderr=subprocess.STDOUT,
                )
            )
            time.sleep(8)  # the chat load prepares its pairs first
        ab_results: list[AbResult] = []
        rates = {
            "cached": options.cached_rate,
            "search": options.search_rate * (1 - options.postcode_share),
            "postcode_search": options.search_rate * options.postcode_share,
        }
        kind_urls = {kind: sum(1 for step in plan if step[1] == kind) for kind in rates}

        def load(path: str, kind: str, clients: int) -> AbResult:
            if rates[kind]:
                rate = rates[kind] / kind_urls[kind]
                return run_hey(base, path, kind, clients, options.duration, rate, options.load_nice)
            return run_ab(base, path, kind, clients, options.duration, options.load_nice)

        threads = [
            threading.Thread(target=lambda p=p, k=k, c=c: ab_results.append(load(p, k, c)))
            for p, k, c in plan
        ]
        for thread in threads:
            thread.start()
        time.sleep(min(15, options.duration / 3))
        staff_during_spike(env, base, results)
        for thread in threads:
            thread.join()
        stop.set()
        if sampler:
            sampler.join()
        if chat:
            try:
                chat.wait(timeout=options.duration + 120)
            except subprocess.TimeoutExpired:
                chat.terminate()
            lines = (
                (directory / "chat.json").read_text().splitlines()
                if (directory / "chat.json").exists()
                else []
            )
            results["chat"] = (
                json.loads(lines[-1])["vangnet"]
                if lines
                else {"error": (directory / "chat.log").read_text()[-2000:]}
            )
        results["pages"] = [vars(r) for r in sorted(ab_results, key=lambda r: (r.kind, r.url))]
        for kind in ("cached", "search", "postcode_search"):
            rows = [r for r in ab_results if r.kind == kind]
            results[kind] = {
                "rps": round(sum(r.rps for r in rows), 1),
                "requests": sum(r.requests for r in rows),
                "failed": sum(r.failed for r in rows),
                "non_2xx": sum(r.non_2xx for r in rows),
                "p99_ms_worst": max((r.p99_ms for r in rows), default=0),
            }
        results["max_db_connections"] = max(connections, default=None)
        results["metrics"] = scrape(metrics_port)
        if split:
            results["chat_process_metrics"] = scrape(chat_metrics_port)
        results["load_average_after"] = os.getloadavg()[0]
        logs = [p.read_text(errors="replace") for p in directory.glob("*server.log")]
        results["tracebacks_in_server_log"] = sum(log.count("Traceback") for log in logs)
    finally:
        if front:
            front.stop()
        stop_everything()
        if database_name:
            drop_database(database_name)
        left = [p.pid for p in STARTED if p.poll() is None]
        if left or (front and front.process and front.process.poll() is None):
            print(f"processes still running: {left}", file=sys.stderr)
    print(json.dumps(results, indent=2))
    if options.json:
        with options.json.open("a") as out:
            out.write(json.dumps(results) + "\n")


if __name__ == "__main__":
    main()
