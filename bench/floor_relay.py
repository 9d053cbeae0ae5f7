"""The floor: the least a chat relay can do, written with the `websockets` library alone.

No database, no channel layer, no encryption: a client connects to `/?pair=P`, every `send`
frame gets an `ack` and is relayed as a `message` frame to both sockets of its pair (as the
real server does). `bench/chat_load.py --floor` starts it in its own process and runs the same
load against it, so the ratio of our server to this floor is measured on the same machine, in
the same run.

    python -m bench.floor_relay --port 8765
"""

from __future__ import annotations

import argparse
import asyncio
import json
import urllib.parse
from collections import defaultdict

from websockets.asyncio.server import ServerConnection, serve

pairs: dict[str, set[ServerConnection]] = defaultdict(set)


async def relay(ws: ServerConnection) -> None:
    query = urllib.parse.urlparse(ws.request.path if ws.request else "").query
    pair = urllib.parse.parse_qs(query).get("pair", [""])[0]
    side = urllib.parse.parse_qs(query).get("side", ["?"])[0]
    members = pairs[pair]
    members.add(ws)
    seq = 0
    try:
        async for raw in ws:
            frame = json.loads(raw)
            if frame.get("type") != "send":
                continue
            seq += 1
            await ws.send(json.dumps({"type": "ack", "id": frame["id"], "seq": seq}))
            message = json.dumps(
                {"type": "message", "id": frame["id"], "sender": side, "text": frame["text"]}
            )
            for member in list(members):
                try:
                    await member.send(message)
                except Exception:  # noqa: S112 - the partner went away; the floor does not care
                    continue
    finally:
        members.discard(ws)
        if not members:
            pairs.pop(pair, None)


async def main(port: int) -> None:
    async with serve(relay, "127.0.0.1", port, max_size=2**20):
        await asyncio.Future()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--port", type=int, default=8765)
    options = parser.parse_args()
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    try:
        import uvloop  # the same event loop as our server (uvicorn[standard])
    except ImportError:
        asyncio.run(main(options.port))
    else:
        uvloop.run(main(options.port))
