"""Research projects: the only way record-level data leaves the monitor.

A researcher asks (purpose, data agreement, named researchers, end date); a second person, an
administrator or a supervisor who is not on the project, approves; then, until the end date,
the named researchers may export the project's coarsened file (`microdata.py`), every export
written to the access log with the project.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from vangnet.core.access import Action, may, object_rule, require
from vangnet.core.audit import log_access
from vangnet.core.models import AccessLogEntry
from vangnet.monitor.models import DEFAULT_K, ResearchProject

if TYPE_CHECKING:
    from vangnet.accounts.models import User

MIN_K, MAX_K = 2, 100


class ProjectError(Exception):
    """A project request that cannot be done; the message is safe to show."""


def is_running(project: ResearchProject, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return project.approved_at is not None and today <= project.end_date


@object_rule(Action.MONITOR_EXPORT)
def may_export(user: Any, project: ResearchProject) -> bool:
    """Only a named researcher, only while the approved project runs."""
    return is_running(project) and project.researchers.filter(pk=user.pk).exists()


@object_rule(Action.RESEARCH_PROJECT_APPROVE)
def may_approve(user: Any, project: ResearchProject) -> bool:
    """A second person: neither the one who asked nor one of the researchers."""
    return (
        project.requested_by_id != user.pk and not project.researchers.filter(pk=user.pk).exists()
    )


def request_project(
    *,
    by: User,
    title: str,
    purpose: str,
    data_agreement: str,
    researchers: Iterable[Any],
    end_date: date,
    k: int = DEFAULT_K,
    access_point: str,
) -> ResearchProject:
    role = require(by, Action.RESEARCH_PROJECT_REQUEST)
    named = list(researchers)
    if not title.strip() or not purpose.strip() or not data_agreement.strip():
        raise ProjectError(_("Give the title, the purpose and the data agreement reference."))
    if not named:
        raise ProjectError(_("Name at least one researcher."))
    if any(not may(person, Action.MONITOR_EXPORT) for person in named):
        raise ProjectError(_("Only staff with the researcher role can be named on a project."))
    if end_date <= timezone.localdate():
        raise ProjectError(_("The end date must be in the future."))
    if not MIN_K <= k <= MAX_K:
        raise ProjectError(
            _("The smallest group must be between %(min)d and %(max)d.")
            % {"min": MIN_K, "max": MAX_K}
        )
    with transaction.atomic():
        project = ResearchProject.objects.create(
            title=title.strip(),
            purpose=purpose.strip(),
            data_agreement=data_agreement.strip(),
            end_date=end_date,
            k=k,
            requested_by=by,
        )
        project.researchers.set(named)
        _log(by, role, project, AccessLogEntry.Event.SETTING_CHANGE, "requested", access_point)
    return project


def approve_project(*, by: User, project: ResearchProject, access_point: str) -> ResearchProject:
    role = require(by, Action.RESEARCH_PROJECT_APPROVE, project)
    if project.approved_at is not None:
        raise ProjectError(_("This project is already approved."))
    if project.end_date <= timezone.localdate():
        raise ProjectError(_("This project has ended; it cannot be approved."))
    with transaction.atomic():
        project.approved_by = by
        project.approved_at = timezone.now()
        project.save(update_fields=["approved_by", "approved_at"])
        _log(by, role, project, AccessLogEntry.Event.SETTING_CHANGE, "approved", access_point)
    return project


def log_project_export(
    *, by: User, role: str, project: ResearchProject, detail: str, access_point: str
) -> None:
    _log(by, role, project, AccessLogEntry.Event.EXPORT, detail, access_point)


def _log(
    by: User, role: Any, project: ResearchProject, event: Any, detail: str, access_point: str
) -> None:
    log_access(
        user=by,
        event=event,
        access_point=access_point,
        role=role,
        record_type="monitor.research_project",
        record_id=project.pk,
        detail=f"{project.reference} {detail}",
    )


def visible_projects(user: User) -> QuerySet[ResearchProject]:
    """Approvers see every project; researchers the ones they asked for or are named on."""
    projects = ResearchProject.objects.select_related("requested_by", "approved_by")
    if may(user, Action.RESEARCH_PROJECT_APPROVE):
        return projects.prefetch_related("researchers")
    mine = Q(researchers=user) | Q(requested_by=user)
    return projects.filter(
        pk__in=ResearchProject.objects.filter(mine).values("pk")
    ).prefetch_related("researchers")
