"""The `vangnet` command: `serve`, plus every Django management command (dashes allowed).

vangnet serve [--host H] [--port P] [--workers N] [--uds PATH] [--metrics-port M] [--nice N]
vangnet demo-data [--if-empty]
vangnet create-staff USER --role counsellor [--role ...] [--password-stdin]
vangnet totp USER                      (embedded default only)
vangnet unblock-login USER
vangnet rotate-keys
vangnet migrate, vangnet check --deploy, vangnet collectstatic, ...
"""

from __future__ import annotations

import argparse
import atexit
import os
import shutil
import sys
import tempfile


def serve(argv: list[str]) -> None:
    import uvicorn

    from vangnet.core.logfilter import uvicorn_log_config

    parser = argparse.ArgumentParser(prog="vangnet serve", description="Serve Vangnet over ASGI.")
    parser.add_argument("--host", default=os.environ.get("VANGNET_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("VANGNET_PORT", "8000")))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("VANGNET_WORKERS", "1")))
    parser.add_argument("--uds", default=None, help="serve on a Unix socket (behind a proxy)")
    parser.add_argument(
        "--metrics-port",
        type=int,
        default=int(os.environ.get("VANGNET_METRICS_PORT", "0")),
        help="serve Prometheus metrics on this port (0: off); never route it to the public",
    )
    parser.add_argument(
        "--metrics-host", default=os.environ.get("VANGNET_METRICS_HOST", "127.0.0.1")
    )
    parser.add_argument(
        "--nice",
        type=int,
        default=int(os.environ.get("VANGNET_NICE", "0")),
        help="lower the CPU priority of these processes by N (0-19): for the processes that "
        "serve pages, so that the chat's own processes come first in a spike",
    )
    args = parser.parse_args(argv)
    if not 0 <= args.nice <= 19:
        parser.error("--nice takes 0 to 19 (raising priority is for the service manager)")
    if args.nice:
        os.nice(args.nice)  # before the workers start: they inherit it
    if args.metrics_port:
        # Before anything imports prometheus_client: every worker writes its counts here and
        # the exporter adds them up. A fresh directory per start: old files would count twice.
        metrics_dir = tempfile.mkdtemp(prefix="vangnet-metrics-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir
        atexit.register(shutil.rmtree, metrics_dir, ignore_errors=True)

    import django

    django.setup()
    from vangnet.core.dbwait import wait_for_database

    wait_for_database()
    if args.metrics_port:
        from vangnet import exporter

        exporter.start(args.metrics_host, args.metrics_port)
    uvicorn.run(
        "vangnet.asgi:application",
        host=args.host,
        port=args.port,
        uds=args.uds,
        workers=args.workers,
        # No access log: it would hold the paths and addresses of anonymous visitors.
        access_log=False,
        server_header=False,
        proxy_headers=False,
        lifespan="off",  # Django has no lifespan events; saves a confusing log line
        ws="vangnet.realtime.wsprotocol:WebSocketProtocol",
        ws_max_size=64 * 1024,
        # Chat frames are small: compressing them saves few bytes and costs every socket a
        # zlib state of its own and every frame CPU (realtime/wsprotocol.py frames text itself).
        ws_per_message_deflate=False,
        log_level=os.environ.get("VANGNET_LOG_LEVEL", "info").lower(),
        # Every handler drops client addresses (the server logs the peer of each socket).
        log_config=uvicorn_log_config(),
    )


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vangnet.settings")
    if argv and argv[0] == "serve":
        serve(argv[1:])
        return
    from django.core.management import execute_from_command_line

    if not argv or argv[0] in {"-h", "--help"}:
        print(__doc__)
        argv = ["help"]
    elif not argv[0].startswith("-"):
        argv[0] = argv[0].replace("-", "_")  # `vangnet demo-data` runs `demo_data`
    execute_from_command_line(["vangnet", *argv])


if __name__ == "__main__":
    main()
