"""The fault campaign: a chat load on PostgreSQL + Redis + two workers, and one fault at a time.

For each fault it reports what the clients sent, what was acknowledged, delivered, lost
(acknowledged but never delivered, resumes included), duplicated, reordered, delivered late,
and the close codes the clients saw. The target is zero lost, duplicated and reordered.

    python -m bench.faults --pairs 50 --rate 0.5 --duration 30 --pg-restart simulated

Faults, in turn:
- `postgres`: the database goes away. `--pg-restart real` runs `pg_ctlcluster 15 main restart`
  (every database of the cluster: only where nothing else uses it, such as CI);
  `--pg-restart simulated` (the default) closes this run's database alone: every connection to
  it is terminated and new ones are refused for `--outage` seconds, which is what the chat
  sees of a restart, without disturbing anybody else's database.
- `redis`: the Redis server is stopped and started again after `--outage` seconds (a Redis
  of this run's own, on a port of its own, unless `--redis-url` names a shared one: then this
  fault is left out).
- `kill-one`: one worker is SIGKILLed and started again after 2 s.
- `kill-both`: both workers are SIGKILLed and started again after 2 s.
- `lock`: a long lock on the message table (ACCESS EXCLUSIVE, 10 s): a slow database.

Needs VANGNET_TEST_DATABASE_URL (a role that may create databases). Each run creates its own
database and drops it afterwards. Server logs are in the data directory printed at the start.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.servers import Server, free_port, prepared_env, run_cli, start_all  # noqa: E402

from bench.chat_load import our_participants, run_event_loop, run_load  # noqa: E402

FAULTS = ("postgres", "redis", "kill-one", "kill-both", "lock")
LOCK_SECONDS = 10.0
RESTART_AFTER_KILL_SECONDS = 2.0


@contextmanager
def own_database(admin_url: str) -> Iterator[str]:
    import psycopg
    from psycopg import sql

    name = f"vangnet_faults_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield admin_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(
                sql.SQL("ALTER DATABASE {} WITH ALLOW_CONNECTIONS true").format(
                    sql.Identifier(name)
                )
            )
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


class OwnRedis:
    """A redis-server of this run's own, on a free loopback port, without persistence."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
            [binary, "--bind", "127.0.0.1", "--port", str(self.port), "--save", ""]
            + ["--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        import redis

        for _ in range(100):
            try:
                redis.Redis(port=self.port, socket_timeout=0.5).ping()
                return
            except redis.RedisError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


class Campaign:
    def __init__(self, options: argparse.Namespace, env: dict[str, str], redis: OwnRedis | None):
        self.options = options
        self.env = env
        self.redis = redis
        self.workers = start_all([Server(env=env), Server(env=env)])
        self.database = env["DATABASE_URL"].rsplit("/", 1)[1]

    @property
    def urls(self) -> list[str]:
        return [w.url for w in self.workers]

    def stop(self) -> None:
        for worker in self.workers:
            worker.stop()

    async def after_a_while(self) -> None:
        """Faults start a few seconds into the load, so messages are under way."""
        await asyncio.sleep(min(5.0, self.options.duration / 4))

    # --- the faults ----------------------------------------------------------------------

    async def postgres(self) -> None:
        await self.after_a_while()
        if self.options.pg_restart == "real":
            subprocess.run(["pg_ctlcluster", "15", "main", "restart"], check=True)  # noqa: S607
            return
        await asyncio.to_thread(self._close_database, self.options.outage)

    def _close_database(self, seconds: float) -> None:
        import psycopg
        from psycopg import sql

        admin = os.environ["VANGNET_TEST_DATABASE_URL"]
        name = sql.Identifier(self.database)
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("ALTER DATABASE {} WITH ALLOW_CONNECTIONS false").format(name))
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                [self.database],
            )
            time.sleep(seconds)
            conn.execute(sql.SQL("ALTER DATABASE {} WITH ALLOW_CONNECTIONS true").format(name))

    async def redis_restart(self) -> None:
        await self.after_a_while()
        assert self.redis is not None
        self.redis.stop()
        await asyncio.sleep(self.options.outage)
        self.redis.start()

    async def kill_one(self) -> None:
        await self.after_a_while()
        await self._kill(self.workers[:1])

    async def kill_both(self) -> None:
        await self.after_a_while()
        await self._kill(self.workers)

    async def _kill(self, workers: list[Server]) -> None:
        for worker in workers:
            worker.kill()
        await asyncio.sleep(RESTART_AFTER_KILL_SECONDS)
        for worker in workers:
            await asyncio.to_thread(worker.start)

    async def lock(self) -> None:
        await self.after_a_while()
        await asyncio.to_thread(self._hold_lock, LOCK_SECONDS)

    def _hold_lock(self, seconds: float) -> None:
        import psycopg

        with psycopg.connect(self.env["DATABASE_URL"]) as conn, conn.transaction():
            conn.execute("LOCK TABLE chat_message IN ACCESS EXCLUSIVE MODE")
            time.sleep(seconds)

    def fault(self, name: str) -> Callable[[], Awaitable[None]]:
        return {
            "postgres": self.postgres,
            "redis": self.redis_restart,
            "kill-one": self.kill_one,
            "kill-both": self.kill_both,
            "lock": self.lock,
        }[name]


def production_env(data_dir: Path, database_url: str, redis_url: str) -> dict[str, str]:
    from cryptography.fernet import Fernet

    env = prepared_env(
        data_dir,
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        SECRET_KEY=secrets.token_urlsafe(48),
        VANGNET_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        VANGNET_HTTPS="0",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        VANGNET_CHANNEL_PREFIX=f"faults{uuid.uuid4().hex[:8]}",
        VANGNET_CHAT_RATE_LIMIT="1000000",
        VANGNET_LOG_LEVEL="warning",  # the outage lines are warnings; info would log handshakes
    )
    run_cli(env, "collectstatic", "--noinput", "-v", "0")
    return env


def prepare_in(env: dict[str, str], pairs: int) -> list[tuple[str, str, str]]:
    """The chats and console sessions, made by a process with the server's settings (this
    process may have Django set up for something else, such as a test run)."""
    script = (
        f"import json; from bench.chat_load import prepare; print(json.dumps(prepare({pairs})))"
    )
    env = {k: v for k, v in env.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(  # noqa: S603 - our own code, fixed arguments
        [sys.executable, "-c", script],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return [tuple(row) for row in json.loads(result.stdout.strip().splitlines()[-1])]


def run_campaign(options: argparse.Namespace) -> dict[str, dict[str, Any]]:
    """Every fault of `options.faults` in turn; returns the load's figures per fault."""
    admin_url = os.environ["VANGNET_TEST_DATABASE_URL"]
    redis = None if options.redis_url else OwnRedis()
    faults = [f for f in options.faults if not (f == "redis" and redis is None)]
    data_dir = Path(options.data_dir or tempfile.mkdtemp(prefix="vangnet-faults-"))
    print(f"fault campaign: {', '.join(faults)}; server logs in {data_dir}", flush=True)
    results: dict[str, dict[str, Any]] = {}
    if redis is not None:
        redis.start()
    try:
        with own_database(admin_url) as database_url:
            env = production_env(data_dir, database_url, options.redis_url or redis.url)  # type: ignore[union-attr]
            campaign = Campaign(options, env, redis)
            try:
                prepared = prepare_in(env, options.pairs)
                people = our_participants(campaign.urls, prepared)
                for name in faults:
                    for p in people:
                        p.stopped = False
                        p.tag = name[:2]
                    result = run_event_loop(
                        run_load(
                            people,
                            options.rate,
                            options.duration,
                            [],
                            options.drain,
                            during=campaign.fault(name),
                        )
                    )
                    results[name] = result
                    print(f"{name}: {json.dumps(result)}", flush=True)
            finally:
                campaign.stop()
            results["_logs"] = {"text": "\n".join(w.log() for w in campaign.workers)}
    finally:
        if redis is not None:
            redis.stop()
    return results


def table(results: dict[str, dict[str, Any]]) -> str:
    keys = ["sent", "acked", "delivered", "lost", "duplicated", "reordered", "late", "resumes"]
    lines = [
        "| fault | " + " | ".join(keys) + " | p99 ms | closes (code: count) |",
        "| --- |" + " ---: |" * (len(keys) + 1) + " --- |",
    ]
    for name, r in results.items():
        if name.startswith("_"):
            continue
        closes = ", ".join(f"{code}: {n}" for code, n in sorted(r["closes"].items())) or "none"
        cells = " | ".join(str(r[k]) for k in keys)
        lines.append(f"| {name} | {cells} | {r['p99_ms']} | {closes} |")
    return "\n".join(lines)


def parse_options(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Chat fault campaign (see the docstring).")
    parser.add_argument("--pairs", type=int, default=50)
    parser.add_argument("--rate", type=float, default=0.5, help="messages/s per participant")
    parser.add_argument("--duration", type=float, default=30, help="seconds of load per fault")
    parser.add_argument("--drain", type=float, default=40, help="seconds to wait at the end")
    parser.add_argument(
        "--outage", type=float, default=10, help="seconds Redis/PostgreSQL are away"
    )
    parser.add_argument("--pg-restart", choices=["simulated", "real"], default="simulated")
    parser.add_argument("--redis-url", default="", help="a shared Redis (then no Redis fault)")
    parser.add_argument("--faults", nargs="+", choices=FAULTS, default=list(FAULTS))
    parser.add_argument("--data-dir", default="")
    parser.add_argument("--json", type=Path, help="append the results as one JSON line here")
    return parser.parse_args(argv)


def main() -> None:
    options = parse_options()
    results = run_campaign(options)
    logs = results.pop("_logs")["text"]
    print()
    print(table(results))
    print(f"\nserver log lines with a traceback: {logs.count('Traceback')}")
    if options.json:
        with options.json.open("a") as out:
            out.write(json.dumps({"options": vars(options) | {"json": None}, **results}) + "\n")


if __name__ == "__main__":
    main()
