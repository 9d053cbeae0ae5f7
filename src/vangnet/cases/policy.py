"""Object rules of the cases app. core.access.POLICY names them; nothing registers itself."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from vangnet.cases.models import Case, EmergencyAccess
from vangnet.core.access import Action, object_rule


def _case_of(obj: Any) -> Case | None:
    if isinstance(obj, Case):
        return obj
    case = getattr(obj, "case", None)
    return case if isinstance(case, Case) else None


def holds_case(user: Any, case: Case) -> bool:
    """Need-to-know: the fixed caregiver, and the case worker who opened the case."""
    return user.pk is not None and user.pk in (case.caregiver_id, case.created_by_id)


def emergency_access_of(user: Any, case: Case) -> EmergencyAccess | None:
    """The user's running noodprocedure grant on this case, if any."""
    if user.pk is None:
        return None
    return (
        EmergencyAccess.objects.filter(case=case, user_id=user.pk, until__gt=timezone.now())
        .order_by("-until")
        .first()
    )


def cases_in_care(user: Any, cases: list[Case]) -> set[int]:
    """The ids of those cases the user may work on, in one query (for lists)."""
    if getattr(user, "pk", None) is None:
        return set()
    granted = set(
        EmergencyAccess.objects.filter(
            user_id=user.pk, until__gt=timezone.now(), case_id__in=[c.pk for c in cases]
        ).values_list("case_id", flat=True)
    )
    return {c.pk for c in cases if holds_case(user, c) or c.pk in granted}


def under_emergency_access(user: Any, case: Case) -> bool:
    """True when the user reaches this case only through a noodprocedure (for the log)."""
    if getattr(user, "pk", None) is None or holds_case(user, case):
        return False
    return emergency_access_of(user, case) is not None


@object_rule(Action.CASE_WORK, Action.CASE_SHARE, Action.CLIENT_RIGHTS)
def may_work_on_case(user: Any, obj: Any) -> bool:
    """A case (or a part of one): its holder, or someone inside a noodprocedure grant."""
    case = _case_of(obj)
    if case is None:
        return False
    return holds_case(user, case) or emergency_access_of(user, case) is not None


@object_rule(Action.CASE_EMERGENCY)
def may_break_the_glass(user: Any, obj: Any) -> bool:
    """Any case worker may use the noodprocedure on any case: it is logged and reviewed."""
    return _case_of(obj) is not None
