"""The client's own rights: a copy of their record (AVG art. 15, WGBO art. 7:456 BW) and the
erasure of it on request (AVG art. 17, WGBO art. 7:455 BW).

The copy is the client's own record minus what concerns others: the people around the client,
what third parties said or were told, and everything the perpetrator rule shields (who is
flagged, and why). Plus the list of who looked at the record. Making it is logged.

An erasure request is registered by the case worker, checked against the exceptions, and
decided by a second person (a supervisor); an approved request is carried out by the same
erasure as the retention schedule's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from vangnet.cases.models import Case
from vangnet.cases.services import CaseError
from vangnet.core import envelope
from vangnet.core.access import Action, require
from vangnet.core.audit import log_access
from vangnet.core.models import AccessLogEntry
from vangnet.retention import erasure
from vangnet.retention.models import ErasureRequest
from vangnet.retention.schedule import Rule
from vangnet.sharing.models import Share

if TYPE_CHECKING:
    from vangnet.accounts.models import User

Event = AccessLogEntry.Event


# --- access: the client's copy ---------------------------------------------------------------


def _who_looked(case: Case) -> list[dict[str, str]]:
    entries = AccessLogEntry.objects.filter(client_ref=case.reference).order_by("at", "id")
    return [
        {
            "when": timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M"),
            "who": e.username,
            "role": e.role,
            "what": str(e.get_event_display()),
            "on_behalf_of": e.on_behalf_of,
        }
        for e in entries
    ]


def client_record(case: Case) -> dict[str, Any]:
    """The client's own record as plain data: nothing about other people, nothing shielded."""
    notes = case.notes.all()
    return {
        "reference": case.reference,
        "made_on": timezone.localdate().isoformat(),
        "you": {
            "name": case.name,
            "date_of_birth": case.date_of_birth.isoformat(),
            "contact_details": case.contact_details,
        },
        "summary": case.summary,
        "status": str(case.get_status_display()),
        "phase": str(case.get_phase_display()),
        "caregiver": str(case.caregiver.display_name),
        "phases": [
            {"phase": str(p.get_phase_display()), "from": p.started_on.isoformat()}
            for p in case.phase_changes.order_by("started_on", "at")
        ],
        "goals": [
            {"goal": g.text, "status": str(g.get_status_display())} for g in case.goals.all()
        ],
        "notes": [
            {"date": n.happened_on.isoformat(), "kind": str(n.get_kind_display()), "text": n.text}
            for n in notes
        ],
        "safety_measures": [
            {
                "date": m.agreed_on.isoformat(),
                "kind": str(m.get_kind_display()),
                "measure": m.description,
            }
            for m in case.safety_measures.all()
        ],
        # Threats: what happened, not against whom or who was told (that concerns others).
        "threats": [
            {
                "date": t.happened_on.isoformat(),
                "kind": str(t.get_kind_display()),
                "what": t.description,
            }
            for t in case.threats.all()
        ],
        # Who received the record, for which purpose and on which ground (AVG art. 15(1)(c));
        # partners' responses are their statements and stay out.
        "shared_with": [
            {
                "organisation": s.organisation.name,
                "on": timezone.localdate(s.created_at).isoformat(),
                "purpose": s.purpose,
                "basis": str(s.get_basis_display()),
                "parts": s.get_sections_display(),
                "revoked": bool(s.revoked_at),
            }
            for s in case.shares.select_related("organisation")
        ],
        "left_out": _(
            "Left out of this copy: information about other people (the people around you, what "
            "others said or were told) and information kept back to protect someone's safety."
        ),
        "who_looked": _who_looked(case),
    }


@dataclass(frozen=True)
class Export:
    filename: str
    content_type: str
    body: bytes


def export_for_client(*, case: Case, by: User, kind: str, access_point: str) -> Export:
    """The client's copy as JSON or PDF; making it is in the access log."""
    role = require(by, Action.CLIENT_RIGHTS, case)
    if kind not in ("json", "pdf"):
        raise CaseError(_("Choose PDF or JSON."))
    data = client_record(case)
    log_access(
        user=by,
        event=Event.EXPORT,
        role=role,
        access_point=access_point,
        record_type="case",
        record_id=case.reference,
        client_ref=case.reference,
        detail=f"client's own copy ({kind})",
    )
    name = f"{case.reference}-{data['made_on']}"
    if kind == "json":
        body = json.dumps(data, ensure_ascii=False, indent=2).encode()
        return Export(f"{name}.json", "application/json", body)
    from weasyprint import HTML

    html = render_to_string("cases/rights/export_pdf.html", {"r": data})
    # No base URL: the PDF is made from this string alone, nothing is fetched.
    pdf = HTML(string=html).write_pdf()
    assert pdf is not None
    return Export(f"{name}.pdf", "application/pdf", pdf)


# --- erasure on request ----------------------------------------------------------------------


def erasure_exceptions(case: Case) -> list[str]:
    """Reasons the law gives to keep the record anyway (found in the record itself)."""
    found = [_("Legal hold: %(kind)s.") % {"kind": h.label} for h in erasure.holds_on(case)]
    if case.shares.filter(basis=Share.Basis.MELDCODE).exists():
        found.append(
            _(
                "A report to Veilig Thuis was made from this record: "
                "there is a legal duty to keep it."
            )
        )
    return found


def register_erasure_request(
    *, case: Case, by: User, request: str, access_point: str
) -> ErasureRequest:
    role = require(by, Action.CLIENT_RIGHTS, case)
    request = (request or "").strip()
    if not request:
        raise CaseError(_("Write down the client's request, as they made it."))
    if case.erasure_requests.filter(status=ErasureRequest.Status.REGISTERED).exists():
        raise CaseError(_("A request for this record is already waiting for a decision."))
    registered = ErasureRequest.objects.create(case=case, request=request, registered_by=by)
    log_access(
        user=by,
        event=Event.CASE_CHANGE,
        role=role,
        access_point=access_point,
        record_type="erasure_request",
        record_id=registered.pk,
        client_ref=case.reference,
        detail="erasure request registered",
    )
    return registered


@dataclass(frozen=True)
class Decision:
    carried_out: bool
    text_for_client: str


def decide_erasure_request(
    *,
    request: ErasureRequest,
    by: User,
    approve: bool,
    reason: str,
    no_other_interest: bool,
    access_point: str,
) -> Decision:
    """The second person decides; an approved request is carried out at once."""
    role = require(by, Action.ERASURE_APPROVE)
    if request.status != ErasureRequest.Status.REGISTERED:
        raise CaseError(_("This request was already decided."))
    if request.registered_by_id == by.pk:
        raise CaseError(_("A second person decides: not the one who registered the request."))
    case = request.case
    reference = case.reference
    reason = (reason or "").strip()
    exceptions = erasure_exceptions(case)
    if approve and exceptions:
        raise CaseError(
            _("This record may not be erased: %(why)s Refuse the request with this reason.")
            % {"why": " ".join(exceptions)}
        )
    if approve and not no_other_interest:
        raise CaseError(
            _(
                "Confirm that keeping the record is of no significant interest to someone else "
                "(WGBO art. 7:455 BW), or refuse the request with that reason."
            )
        )
    log_access(
        user=by,
        event=Event.CASE_CHANGE,
        role=role,
        access_point=access_point,
        record_type="erasure_request",
        record_id=request.pk,
        client_ref=reference,
        detail="erasure approved" if approve else "erasure refused",
    )
    today = timezone.localdate().isoformat()
    if not approve:
        if not reason:
            raise CaseError(_("A refusal needs its reason; the client is told."))
        with envelope.sealing_for(case):
            ErasureRequest.objects.filter(pk=request.pk).update(
                status=ErasureRequest.Status.REFUSED,
                decided_by=by,
                decided_at=timezone.now(),
                refusal_reason=reason,
            )
        return Decision(
            False,
            _(
                "We have not erased your record %(ref)s. The reason: %(reason)s You may object "
                "to this decision, or ask the Autoriteit Persoonsgegevens for advice."
            )
            % {"ref": reference, "reason": reason},
        )
    try:
        erasure.erase_case(
            case_pk=case.pk,
            rule=Rule.ERASURE_REQUEST,
            reason=f"request {request.pk}",
            run=today,
            by=by,
            access_point=access_point,
        )
    except erasure.ErasureRefused as err:
        raise CaseError(str(err)) from None
    return Decision(
        True,
        _(
            "On %(day)s we erased your record %(ref)s, as you asked. What you told us and what we "
            "wrote down can no longer be read by anyone, also not in our backups. We keep only a "
            "note that record %(ref)s was erased on your request, and the list of who looked at "
            "it, without any content."
        )
        % {"day": today, "ref": reference},
    )


def pending_requests() -> list[ErasureRequest]:
    return list(
        ErasureRequest.objects.filter(status=ErasureRequest.Status.REGISTERED).select_related(
            "case", "registered_by"
        )
    )
