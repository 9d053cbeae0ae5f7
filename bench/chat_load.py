"""Load benchmark for the chat: N visitor + counsellor pairs against a running server.

Run it from the repository root with the *server's* environment (DATABASE_URL, REDIS_URL,
VANGNET_ENCRYPTION_KEYS, VANGNET_DATA_DIR, ...): before the load starts it prepares, through
the chat's own services and the same database, N bench counsellors (`bench-counsellor-NNNN`,
no password, a verified second factor in a session) and N accepted conversations. Then each
pair connects (visitor: `resume` with its token; console: `sync`), both sides send at the set
rate for the set time, and it reports delivery latency (send -> the other side receives the
message frame), acknowledgement latency, messages per second, errors and losses. A send the
server refuses for overload (`slow_down`) is sent again after `retry_after`, in order, as the
browser clients do: latency is reported from the first attempt (what the person waits) and
from the accepted attempt (what the server's queue adds), with the refusals counted. With
`--floor` it then runs the same load against `bench/floor_relay.py` in a process of its own
and prints our ratio to that floor.

    python -m bench.chat_load --url http://127.0.0.1:8000 --pairs 100 --rate 0.1 \
        --duration 60 --floor

The load generator runs on the same machine as the server and competes with it for CPU.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# The visitor's `state` after `resume`, the console's `chat` after `sync`.
READY_FRAMES = {"state", "chat"}


# --- preparing accounts and conversations, through the chat's services ------------------------


def prepare(pairs: int) -> list[tuple[str, str, str]]:
    """N (visitor token, conversation id, console session id): accepted chats, ready to talk."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vangnet.settings")
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import Group
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from vangnet.accounts.models import User
    from vangnet.chat import services
    from vangnet.chat.models import Conversation
    from vangnet.core.roles import Role

    # What earlier runs left open would count against each counsellor's maximum.
    Conversation.objects.filter(
        counsellor__username__startswith="bench-counsellor-",
        status__in=[Conversation.Status.ACTIVE, Conversation.Status.WAITING],
    ).update(status=Conversation.Status.ENDED)
    group, _ = Group.objects.get_or_create(name=Role.COUNSELLOR.value)
    names = [f"bench-counsellor-{i:04d}" for i in range(pairs)]
    existing = set(User.objects.filter(username__in=names).values_list("username", flat=True))
    for name in names:
        if name in existing:
            continue
        # No password (hashing 1,000 of them would dominate the set-up); sessions are made below.
        user = User(username=name, first_name=f"Bench{name[-4:]}")
        user.set_unusable_password()
        user.save()
        user.groups.add(group)
        TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    prepared = []
    for name in names:
        user = User.objects.get(username=name)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        assert device is not None
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.create()
        outcome, token = services.start_conversation(
            visitor_role="young_person", nickname="", language="nl"
        )
        services.accept_conversation(
            conversation_id=str(outcome.conversation.public_id), counsellor=user
        )
        prepared.append((token, str(outcome.conversation.public_id), str(session.session_key)))
    return prepared


# --- the load ---------------------------------------------------------------------------------


# A message delivered later than this after it was sent counts as late (it still counts as
# delivered; late is not lost).
LATE_MS = 1000.0
RESUME_FIRST_SECONDS = 0.2
RESUME_MAX_SECONDS = 5.0


@dataclass
class Stats:
    sent: int = 0
    acked: int = 0
    delivered: int = 0
    late: int = 0
    duplicated: int = 0
    reordered: int = 0
    resumes: int = 0
    errors: list[str] = field(default_factory=list)
    closes: Counter[str] = field(default_factory=Counter)  # close code -> how many
    refused: int = 0  # `slow_down` answers: sent again after `retry_after`
    delivery_ms: list[float] = field(default_factory=list)  # from the first attempt
    accepted_ms: list[float] = field(default_factory=list)  # from the accepted attempt
    ack_ms: list[float] = field(default_factory=list)
    sent_at: dict[str, float] = field(default_factory=dict)  # the first attempt
    attempt_at: dict[str, float] = field(default_factory=dict)  # the last attempt
    acked_ids: set[str] = field(default_factory=set)
    delivered_ids: set[str] = field(default_factory=set)
    over: bool = False  # set at the end of the drain: what arrives later does not count


@dataclass
class Participant:
    """One side of a chat, as a browser client behaves: it resumes after any close (backoff
    with jitter, the next server in `urls` each time), saying the last sequence it saw, and
    sends again what was not acknowledged, in order, with the same ids."""

    pair: int
    side: str  # "v" or "c"
    urls: list[str]
    hello: Callable[[int], dict[str, Any]] | None  # last seq -> the frame that (re)joins the chat
    send_extra: dict[str, Any]  # fields every send frame carries (the console: conversation)
    headers: dict[str, str] | None = None
    ws: ClientConnection | None = None
    count: int = 0
    tag: str = ""  # in every id: runs that reuse the chats (bench/faults.py) never reuse an id
    last_seq: int = 1  # the chats are prepared accepted: seq 1 is the "accepted" notice
    seen_ids: set[str] = field(default_factory=set)
    pending: dict[str, dict[str, Any]] = field(default_factory=dict)  # unacked, in order
    stopped: bool = False
    # After a `slow_down` (docs/chat-protocol.md): recovering until every message from the
    # refused one on is acknowledged; new messages are held meanwhile, so the order stays.
    recovering: bool = False
    retry: asyncio.TimerHandle | None = None  # the resend waiting for `retry_after`
    accepted_before: set[str] = field(default_factory=set)  # pending, taken before the refusal
    resent: set[str] = field(default_factory=set)  # sent again since the last `retry_after`
    resending: asyncio.Lock = field(default_factory=asyncio.Lock)
    # Set by the first frame that shows the socket has joined its chat (or at once, floor).
    ready: asyncio.Event = field(default_factory=asyncio.Event)


def on_frame(p: Participant, stats: Stats, frame: dict[str, Any], now: float) -> None:
    kind = frame.get("type")
    if kind in READY_FRAMES:
        p.ready.set()
    if kind == "message":
        msg_id = frame.get("id", "")
        seq = frame.get("seq")
        if isinstance(seq, int):
            # The server promises each message once, in order, with no gap, over resumes too.
            if seq <= p.last_seq:
                stats.duplicated += 1
                return
            if seq > p.last_seq + 1:
                stats.reordered += 1
            p.last_seq = seq
        elif msg_id in p.seen_ids:  # the floor numbers nothing
            stats.duplicated += 1
            return
        p.seen_ids.add(msg_id)
        sent = stats.sent_at.get(msg_id)
        # Our own messages come back too; only the other side's count as delivered.
        if sent is not None and not msg_id.startswith(f"b{p.pair:05d}{p.side}"):
            if msg_id not in stats.delivered_ids:
                stats.delivered_ids.add(msg_id)
                stats.delivered += 1
                latency = (now - sent) * 1000
                stats.delivery_ms.append(latency)
                stats.accepted_ms.append((now - stats.attempt_at.get(msg_id, sent)) * 1000)
                stats.late += latency > LATE_MS
    elif kind == "ack":
        msg_id = frame["id"]
        p.pending.pop(msg_id, None)
        p.accepted_before.discard(msg_id)
        if p.recovering:
            asyncio.ensure_future(resend_window(p, stats))
        sent = stats.sent_at.get(msg_id)
        if sent is not None and msg_id not in stats.acked_ids:
            stats.acked_ids.add(msg_id)
            stats.acked += 1
            stats.ack_ms.append((now - sent) * 1000)
    elif kind == "error" and frame.get("code") == "slow_down":
        stats.refused += 1
        slowed_down(p, stats, frame)
    elif kind == "error":
        stats.errors.append(f"{frame.get('code')}: {frame.get('message')}")


# Sent again after a refusal, at most this many unacknowledged at a time: a client with many
# messages waiting that sent them all at once would have most refused again, at a cost.
RESEND_WINDOW = 8


def slowed_down(p: Participant, stats: Stats, frame: dict[str, Any]) -> None:
    """Keep the refused message; after `retry_after` (jitter: 1-1.5 times) send it and
    everything after it again, in order, with the same ids, a window at a time."""
    if p.retry is not None:
        return  # a later one refused to keep the order: covered by the resend
    ids = list(p.pending)
    refused = frame.get("id", "")
    p.accepted_before = set(ids[: ids.index(refused)]) if refused in p.pending else set()
    p.recovering = True
    p.resent.clear()
    wait = float(frame.get("retry_after", 1.0)) * random.uniform(1.0, 1.5)  # noqa: S311
    loop = asyncio.get_running_loop()
    p.retry = loop.call_later(wait, lambda: retry_now(p, stats))


def retry_now(p: Participant, stats: Stats) -> None:
    p.retry = None
    asyncio.ensure_future(resend_window(p, stats))


async def resend_window(p: Participant, stats: Stats) -> None:
    """Send the next messages to go again, keeping at most RESEND_WINDOW unacknowledged;
    once all are acknowledged, the sender sends straight away again."""
    async with p.resending:
        if not p.recovering or p.retry is not None or stats.over:
            return
        to_go = [msg_id for msg_id in p.pending if msg_id not in p.accepted_before]
        if not to_go:
            p.recovering = False
            return
        unacked = sum(1 for msg_id in p.resent if msg_id in p.pending)
        for msg_id in [m for m in to_go if m not in p.resent][: RESEND_WINDOW - unacked]:
            ws = p.ws
            if ws is None or p.retry is not None:
                return
            p.resent.add(msg_id)
            stats.attempt_at[msg_id] = time.perf_counter()
            try:
                await ws.send(json.dumps(p.pending[msg_id]))
            except Exception:  # the connection dropped: resent after resuming
                return


def stop_retrying(p: Participant) -> None:
    """A resume sends every pending message again anyway."""
    if p.retry is not None:
        p.retry.cancel()
        p.retry = None
    p.recovering = False
    p.accepted_before.clear()
    p.resent.clear()


async def keep_connected(p: Participant, stats: Stats) -> None:
    """Connect, join, resend, read; after a close, do it again until the run is over."""
    attempt = 0
    delay = RESUME_FIRST_SECONDS
    while not p.stopped and not stats.over:
        url = p.urls[attempt % len(p.urls)]
        scheme, rest = url.split("://", 1)  # the Origin a browser sends: https for wss
        origin = ("https://" if scheme == "wss" else "http://") + rest.split("/", 1)[0]
        attempt += 1
        try:
            ws = await connect(
                url,
                origin=origin,  # type: ignore[arg-type]
                additional_headers=p.headers,
                open_timeout=120,
                max_size=2**20,
                ping_interval=None,
                compression=None,
            )
        except Exception:
            await asyncio.sleep(delay * random.uniform(0.5, 1.5))  # noqa: S311 - jitter
            delay = min(delay * 2, RESUME_MAX_SECONDS)
            continue
        if attempt > 1:
            stats.resumes += 1
        try:
            if p.hello is not None:
                await ws.send(json.dumps(p.hello(p.last_seq)))
            else:
                p.ready.set()
            stop_retrying(p)
            for msg_id, frame in list(p.pending.items()):
                stats.attempt_at[msg_id] = time.perf_counter()
                await ws.send(json.dumps(frame))
            p.ws = ws
            async for raw in ws:
                if stats.over:
                    return
                on_frame(p, stats, json.loads(raw), time.perf_counter())
                delay = RESUME_FIRST_SECONDS
        except Exception:  # noqa: S110 - a dropped connection: resumed below
            pass
        finally:
            p.ws = None
        if stats.over or p.stopped:
            return
        stats.closes[str(ws.close_code)] += 1
        await asyncio.sleep(delay * random.uniform(0.5, 1.5))  # noqa: S311 - jitter
        delay = min(delay * 2, RESUME_MAX_SECONDS)


async def sender(p: Participant, stats: Stats, rate: float, until: float) -> None:
    interval = 1.0 / rate
    # A random phase, so the participants do not all send at the same moment.
    await asyncio.sleep(random.uniform(0, interval))  # noqa: S311 - not for security
    next_at = time.perf_counter()
    while next_at < until:
        msg_id = f"b{p.pair:05d}{p.side}{p.tag}{p.count:07d}"
        p.count += 1
        stats.sent_at[msg_id] = time.perf_counter()
        stats.sent += 1
        frame = {"type": "send", "id": msg_id, "text": f"bench {msg_id}", **p.send_extra}
        p.pending[msg_id] = frame  # until acknowledged; sent again after a resume
        ws = p.ws
        if ws is not None and not p.recovering:  # held while refused ones go again
            stats.attempt_at[msg_id] = stats.sent_at[msg_id]
            try:
                await ws.send(json.dumps(frame))
            except Exception:  # noqa: S110 - the connection dropped: resent after resuming
                pass
        next_at += interval
        await asyncio.sleep(max(0.0, next_at - time.perf_counter()))


def resume_frame(token: str, last_seq: int) -> dict[str, Any]:
    return {"type": "resume", "token": token, "last_seq": last_seq}


def sync_frame(conversation: str, last_seq: int) -> dict[str, Any]:
    return {"type": "sync", "conversation": conversation, "after": last_seq}


def our_participants(urls: list[str], prepared: list[tuple[str, str, str]]) -> list[Participant]:
    """Each pair's sockets start on one of `urls` (in turn) and resume on the next one."""
    bases = [u.replace("http://", "ws://").replace("https://", "wss://").rstrip("/") for u in urls]
    people = []
    for pair, (token, conversation, session) in enumerate(prepared):
        order = bases[pair % len(bases) :] + bases[: pair % len(bases)]
        people.append(
            Participant(
                pair,
                "v",
                [f"{base}/ws/chat/" for base in order],
                functools.partial(resume_frame, token),
                {},
            )
        )
        people.append(
            Participant(
                pair,
                "c",
                [f"{base}/ws/console/" for base in order[::-1]],
                functools.partial(sync_frame, conversation),
                {"conversation": conversation},
                headers={"Cookie": f"sessionid={session}"},
            )
        )
    return people


def floor_participants(port: int, pairs: int) -> list[Participant]:
    return [
        Participant(pair, side, [f"ws://127.0.0.1:{port}/?pair={pair}&side={side}"], None, {})
        for pair in range(pairs)
        for side in ("v", "c")
    ]


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / CLOCK_TICKS


def pids_listening(port: int) -> list[int]:
    """The processes holding the listening socket on `port` (every worker with --workers)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            cols = line.split()
            if int(cols[1].rsplit(":", 1)[1], 16) == port and cols[3] == "0A":  # LISTEN
                inodes.add(cols[9])
    pids = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            for fd in (proc / "fd").iterdir():
                link = os.readlink(fd)
                if link.startswith("socket:[") and link[8:-1] in inodes:
                    pids.append(int(proc.name))
                    break
        except OSError:
            continue
    return pids


async def run_load(
    people: list[Participant],
    rate: float,
    duration: float,
    pids: list[int],
    drain: float,
    during: Callable[[], Awaitable[None]] | None = None,
) -> dict[str, Any]:
    """The load; `during` (the fault campaign's fault) runs while the senders send."""
    stats = Stats()
    connections = []
    # Connect in batches: a thousand handshakes at once is a test of the accept queue.
    for start in range(0, len(people), 50):
        batch = people[start : start + 50]
        connections += [asyncio.create_task(keep_connected(p, stats)) for p in batch]
        await asyncio.wait_for(asyncio.gather(*(p.ready.wait() for p in batch)), timeout=300)
    # The clock starts once every socket has caught up with its chat (and the server is idle).
    started = time.perf_counter()
    await asyncio.wait_for(asyncio.gather(*(p.ready.wait() for p in people)), timeout=300)
    print(f"  {len(people)} sockets ready in {time.perf_counter() - started:.1f} s", flush=True)
    await asyncio.sleep(1)
    cpu_before, wall_before = cpu_seconds(pids), time.perf_counter()
    until = wall_before + duration
    senders = [sender(p, stats, rate, until) for p in people]
    await asyncio.gather(*senders, *([during()] if during is not None else []))
    # Wait for what is still under way, up to `drain` seconds.
    deadline = time.perf_counter() + drain
    while time.perf_counter() < deadline and (
        stats.acked < stats.sent or stats.delivered < stats.sent
    ):
        await asyncio.sleep(0.05)
    wall = time.perf_counter() - wall_before
    cpu = cpu_seconds(pids) - cpu_before
    stats.over = True
    result = summarise(stats, duration, wall, cpu, pids)
    for p in people:
        p.stopped = True
    await asyncio.gather(*(p.ws.close() for p in people if p.ws is not None))
    for task in connections:
        task.cancel()
    await asyncio.gather(*connections, return_exceptions=True)
    return result


def run_event_loop(main: Any) -> Any:
    """uvloop when it is there (uvicorn[standard] brings it, and our server runs on it): the
    load generator shares the machine's two cores with the server, so it should cost little."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(main)
    return uvloop.run(main)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def summarise(
    stats: Stats, duration: float, wall: float, cpu: float, pids: list[int]
) -> dict[str, Any]:
    # Acknowledged (so stored) but not delivered by the end of the drain, resumes included.
    lost = len(stats.acked_ids - stats.delivered_ids)
    return {
        "sent": stats.sent,
        "acked": stats.acked,
        "delivered": stats.delivered,
        "unacked": stats.sent - stats.acked,
        "lost": lost,
        "late": stats.late,
        "duplicated": stats.duplicated,
        "reordered": stats.reordered,
        "resumes": stats.resumes,
        "closes": dict(stats.closes),
        "refused_overload": stats.refused,
        "errors": len(stats.errors),
        "first_errors": stats.errors[:5],
        "msg_per_s": round(stats.delivered / duration, 1),
        "p50_ms": round(percentile(stats.delivery_ms, 50), 1),
        "p95_ms": round(percentile(stats.delivery_ms, 95), 1),
        "p99_ms": round(percentile(stats.delivery_ms, 99), 1),
        "max_ms": round(max(stats.delivery_ms, default=float("nan")), 1),
        # From the attempt the server accepted: the server's own queueing, refusals left out.
        "accepted_p50_ms": round(percentile(stats.accepted_ms, 50), 1),
        "accepted_p99_ms": round(percentile(stats.accepted_ms, 99), 1),
        "accepted_max_ms": round(max(stats.accepted_ms, default=float("nan")), 1),
        "ack_p50_ms": round(percentile(stats.ack_ms, 50), 1),
        "ack_p99_ms": round(percentile(stats.ack_ms, 99), 1),
        "mean_ms": round(statistics.fmean(stats.delivery_ms), 1) if stats.delivery_ms else None,
        "server_cpu_s": round(cpu, 2) if pids else None,
        "cpu_ms_per_msg": round(cpu * 1000 / stats.delivered, 3)
        if pids and stats.delivered
        else None,
        "wall_s": round(wall, 1),
    }


def show(label: str, result: dict[str, Any]) -> None:
    print(f"\n== {label}")
    for key, value in result.items():
        if key == "first_errors" and not value:
            continue
        print(f"  {key:>14}: {value}")


def start_floor() -> tuple[subprocess.Popen[bytes], int]:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    process = subprocess.Popen(  # noqa: S603 - our own script
        [sys.executable, "-m", "bench.floor_relay", "--port", str(port)],
        cwd=Path(__file__).resolve().parents[1],
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process, port
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the floor relay did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description="Chat load benchmark (see the module docstring).")
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="the running server")
    parser.add_argument("--pairs", type=int, default=100, help="visitor + counsellor pairs")
    parser.add_argument(
        "--rate", type=float, default=0.1, help="messages per second per participant"
    )
    parser.add_argument("--duration", type=float, default=60, help="seconds of sending")
    parser.add_argument("--drain", type=float, default=10, help="seconds to wait at the end")
    parser.add_argument("--floor", action="store_true", help="also measure the websockets floor")
    parser.add_argument("--floor-only", action="store_true", help="measure only the floor")
    parser.add_argument("--json", type=Path, help="append the results as one JSON line here")
    options = parser.parse_args()
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass

    total_rate = options.rate * 2 * options.pairs
    print(
        f"{options.pairs} pairs, {options.rate}/s per participant = {total_rate:.0f} msg/s "
        f"offered, {options.duration:.0f} s; load generator on this machine "
        f"({os.cpu_count()} cores), competing with the server for CPU"
    )
    results: dict[str, Any] = {
        "pairs": options.pairs,
        "rate": options.rate,
        "offered_msg_per_s": total_rate,
        "duration": options.duration,
    }
    if not options.floor_only:
        prepared = prepare(options.pairs)
        port = int(options.url.rsplit(":", 1)[1].split("/")[0])
        pids = pids_listening(port)
        ours = run_event_loop(
            run_load(
                our_participants([options.url], prepared),
                options.rate,
                options.duration,
                pids,
                options.drain,
            )
        )
        show(f"Vangnet at {options.url} (server pids {pids})", ours)
        results["vangnet"] = ours
    if options.floor or options.floor_only:
        process, port = start_floor()
        try:
            floor = run_event_loop(
                run_load(
                    floor_participants(port, options.pairs),
                    options.rate,
                    options.duration,
                    [process.pid],
                    options.drain,
                )
            )
        finally:
            process.terminate()
            process.wait(10)
        show("floor: a bare websockets relay", floor)
        results["floor"] = floor
        if "vangnet" in results:
            ours = results["vangnet"]
            ratio = {
                "p99": round(ours["p99_ms"] / floor["p99_ms"], 1) if floor["p99_ms"] else None,
                "cpu_per_msg": round(ours["cpu_ms_per_msg"] / floor["cpu_ms_per_msg"], 1)
                if ours["cpu_ms_per_msg"] and floor["cpu_ms_per_msg"]
                else None,
            }
            print(f"\n== ratio to the floor: p99 x{ratio['p99']}, CPU/msg x{ratio['cpu_per_msg']}")
            results["ratio"] = ratio
    if options.json:
        with options.json.open("a") as out:
            out.write(json.dumps(results) + "\n")


if __name__ == "__main__":
    main()
