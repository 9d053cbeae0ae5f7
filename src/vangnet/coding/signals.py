"""What coding tells the rest of the system, without knowing who listens.

`contacts_changed` is sent with the months whose coded contacts changed, inside the writing
transaction; a receiver that recounts (the monitor) does so after the commit.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.dispatch import Signal

contacts_changed = Signal()  # keyword argument: months (a frozenset of month indexes)


def send_contacts_changed(months: Iterable[int]) -> None:
    wanted = frozenset(months)
    if wanted:
        contacts_changed.send(sender=None, months=wanted)
