"""Writing the access log: one call per look at (or change to) a record about a person."""

from __future__ import annotations

from typing import Any

from vangnet.core.models import AccessLogEntry


def log_access(
    *,
    user: Any,
    event: str,
    access_point: str,
    role: str = "",
    record_type: str = "",
    record_id: object = "",
    client_ref: object = "",
    on_behalf_of: str = "",
    emergency: bool = False,
    detail: str = "",
) -> AccessLogEntry:
    """Append one entry. `access_point` names the door used, e.g. "web:console" or "cli"."""
    return AccessLogEntry.objects.create(
        event=event,
        record_type=record_type,
        record_id=str(record_id),
        client_ref=str(client_ref),
        user=user if getattr(user, "pk", None) else None,
        username=getattr(user, "username", "") or "system",
        role=str(role),
        on_behalf_of=on_behalf_of,
        access_point=access_point,
        emergency=emergency,
        detail=detail[:300],
    )


def access_point_of(request: Any) -> str:
    """Which door a web request came through: its URL name, never an address."""
    match = getattr(request, "resolver_match", None)
    name = match.view_name if match else request.path
    return f"web:{name}"
