"""What the chat page's duty-state poll costs: `ab` on GET /chat/status/ against a server.

Every chat page asks whether the chat is open every VANGNET_CHAT_STATUS_POLL_SECONDS (15 s),
before a chat starts. 10,000 parents reading the chat page at once make about 670 requests/s;
nginx's micro-cache (X-Accel-Expires: 3) answers nearly all of them, so this measures the worst
case without nginx: every request reaching Django, which asks the database at most once per
3 s (the shared cache) and otherwise only the cache.

    .venv/bin/python -m bench.chat_status --clients 50 --duration 20

It starts the embedded default (SQLite, one process) in a temporary directory, puts nobody on
duty, and prints requests/s, failures and the 50/99th percentile from `ab`.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.servers import Server, prepared_env  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="vangnet-status-bench-") as data:
        server = Server(env=prepared_env(Path(data))).start()
        try:
            url = f"{server.url}/chat/status/"
            ab = subprocess.run(  # noqa: S603 - Debian's ab, fixed arguments
                [
                    "ab",
                    "-k",
                    "-q",
                    "-c",
                    str(args.clients),
                    "-t",
                    str(args.duration),
                    "-n",
                    "10000000",
                    url,
                ],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        finally:
            server.stop()
    field = {
        name: re.search(pattern, ab)
        for name, pattern in {
            "requests/s": r"Requests per second:\s+([\d.]+)",
            "complete": r"Complete requests:\s+(\d+)",
            "failed": r"Failed requests:\s+(\d+)",
            "non-2xx": r"Non-2xx responses:\s+(\d+)",
            "p50 ms": r"\n\s+50%\s+(\d+)",
            "p99 ms": r"\n\s+99%\s+(\d+)",
        }.items()
    }
    for name, found in field.items():
        print(f"{name:>11}: {found[1] if found else 0}")


if __name__ == "__main__":
    main()
