"""Signals other apps listen to, so that accounts knows nothing of them.

`staff_access_ended` is sent after a staff member's access ends for any reason: logout,
inactivity timeout, deactivation of the account, removal of a role, or a change of password
or removal of a second factor (sessions verified with the old ones no longer count). The
chat closes every socket of that user (in every server process) when it arrives. Sent with
`user_id` (int) and `reason` (one of the REASON_* strings), after the transaction that ended
the access commits.
"""

from __future__ import annotations

from django.dispatch import Signal

REASON_LOGOUT = "logout"
REASON_TIMEOUT = "timeout"
REASON_DEACTIVATED = "deactivated"
REASON_ROLE_REMOVED = "role_removed"
REASON_CREDENTIALS_CHANGED = "credentials_changed"  # password changed or second factor removed

staff_access_ended = Signal()
