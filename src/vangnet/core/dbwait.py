"""At start-up, wait for the database instead of failing: after a power cut the server
processes may come up before PostgreSQL does."""

from __future__ import annotations

import logging
import time
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections

logger = logging.getLogger("vangnet.database")

RETRY_SECONDS = 2.0


def wait_for_database(retry_seconds: float = RETRY_SECONDS) -> None:
    """Return once the database accepts a connection; say so once when it does not yet."""
    database = connections[DEFAULT_DB_ALIAS]
    if database.vendor != "postgresql":
        return  # the embedded default's SQLite file is always there
    import psycopg

    params: dict[str, Any] = dict(database.get_connection_params())
    for django_only in ("cursor_factory", "context", "prepare_threshold"):
        params.pop(django_only, None)
    waited = False
    while True:
        try:
            psycopg.connect(**params, connect_timeout=5).close()
        except psycopg.OperationalError as error:
            if not waited:
                first_line = (str(error).strip().splitlines() or [""])[0]
                logger.warning(
                    "database not reachable at start-up (%s); retrying every %g s",
                    first_line,
                    retry_seconds,
                )
                waited = True
            time.sleep(retry_seconds)
            continue
        if waited:
            logger.warning("database reachable; starting")
        return
