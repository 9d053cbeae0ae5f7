"""Hold a pooled database connection only while querying.

Django keeps a request's connection until the response is finished. Under a spike, rendering a
page can take longer than its queries; a view that has read everything it needs gives the
connection back to the pool first, so the same few connections serve many more requests.
"""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connections


def give_back_connection() -> None:
    """Return this thread's connection to the pool (a no-op without a pool or in a transaction:
    then the connection is the request's to keep)."""
    connection = connections[DEFAULT_DB_ALIAS]
    if getattr(connection, "pool", None) is not None and not connection.in_atomic_block:
        connection.close()
