"""Demo partner organisations and two synthetic case trajectories (no real person)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TextIO

from vangnet.accounts.models import User
from vangnet.cases import ages, services
from vangnet.cases.models import Case, Person, Phase, Threat
from vangnet.sharing.models import PartnerOrganisation, Share

ACCESS_POINT = "cli:demo-data"

ORGANISATIONS = [
    ("Politie", PartnerOrganisation.Kind.POLICE),
    ("Openbaar Ministerie", PartnerOrganisation.Kind.PROSECUTOR),
    ("Veilig Thuis", PartnerOrganisation.Kind.VEILIG_THUIS),
    ("Jeugdzorg Oost", PartnerOrganisation.Kind.CARE_PROVIDER),
    ("Gemeente Zwolle", PartnerOrganisation.Kind.MUNICIPALITY),
]


def _years_ago(years: int, months: int = 0) -> date:
    return ages.add_months(ages.today(), -(years * 12 + months))


def load(out: TextIO) -> None:
    for name, kind in ORGANISATIONS:
        PartnerOrganisation.objects.get_or_create(name=name, defaults={"kind": kind})
    worker = User.objects.filter(username="cees").first()
    if worker is None or Case.objects.exists():
        return
    _aftercare_at_21(worker)
    _transition_at_17(worker)
    out.write(
        "Demo cases: 2 trajectories for case worker cees; partners: "
        + ", ".join(name for name, _kind in ORGANISATIONS)
        + ".\n"
    )


def _aftercare_at_21(worker: User) -> None:
    """From the first chat at 16, through safety and treatment, to aftercare at 21."""
    born = _years_ago(21, 2)
    case = services.open_case(
        by=worker,
        name="Demi (demo)",
        date_of_birth=born,
        access_point=ACCESS_POINT,
        summary="Via Snapchat geronseld door een 'loverboy'. Eerste chat op 16.",
        contact_details="Via de casusregisseur",
        signalled_on=ages.add_months(born, 16 * 12),
    )
    mother = services.add_person(
        case=case,
        by=worker,
        access_point=ACCESS_POINT,
        name="Moeder",
        relation=Person.Relation.PARENT_CARER,
        has_parental_authority=True,
    )
    services.add_person(
        case=case,
        by=worker,
        access_point=ACCESS_POINT,
        name="Stiefvader",
        relation=Person.Relation.PARENT_CARER,
        is_suspected_perpetrator=True,
    )
    services.add_emergency_contact(
        case=case, by=worker, name="", phone="06-00000000", person=mother, access_point=ACCESS_POINT
    )
    steps = [
        (Phase.SAFETY, 16, 3, "Veilige opvang geregeld, nog zonder diagnose."),
        (Phase.STABILISATION, 16, 9, "Rust, dagritme, contact met moeder hersteld."),
        (Phase.TREATMENT, 17, 4, "Traumabehandeling gestart."),
        (Phase.FUTURE, 19, 0, "School afmaken, eigen kamer, werk zoeken."),
        (Phase.AFTERCARE, 21, 0, "Nazorg: maandelijks contact."),
    ]
    for phase, age, months, note in steps:
        started = ages.add_months(born, age * 12 + months)
        if phase == Phase.SAFETY:
            services.add_safety_measure(
                case=case,
                by=worker,
                kind="placement",
                agreed_on=started,
                description=note,
                access_point=ACCESS_POINT,
            )
            services.record_threat(
                case=case,
                by=worker,
                kind=Threat.Kind.INTIMIDATION,
                happened_on=started + timedelta(days=10),
                against="Demi en moeder",
                description="Dreigberichten na vertrek uit de groep.",
                informed="Politie, zedenrecherche",
                access_point=ACCESS_POINT,
            )
        services.change_phase(
            case=case,
            by=worker,
            phase=phase,
            started_on=started,
            note=note,
            expected_version=case.version,
            access_point=ACCESS_POINT,
        )
        services.add_goal(case=case, by=worker, text=note, access_point=ACCESS_POINT)
        services.add_note(
            case=case,
            by=worker,
            kind="contact",
            happened_on=started,
            text=f"Gesprek: {note}",
            access_point=ACCESS_POINT,
        )
    services.update_case(
        case=case,
        by=worker,
        expected_version=case.version,
        access_point=ACCESS_POINT,
        summary=case.summary,
        contact_details=case.contact_details,
        risk_level="low",
    )
    services.share_with_partner(
        case=case,
        by=worker,
        organisation=PartnerOrganisation.objects.get(name="Politie"),
        sections=["identity", "threats"],
        purpose="Onderzoek naar de dreigberichten",
        basis=Share.Basis.CONSENT,
        client_consents=True,
        valid_until=ages.today() + timedelta(days=60),
        access_point=ACCESS_POINT,
    )


def _transition_at_17(worker: User) -> None:
    """A client nearing 18: the transition plan shows and reminds the caregiver."""
    case = services.open_case(
        by=worker,
        name="Sem (demo)",
        date_of_birth=_years_ago(17, 8),
        access_point=ACCESS_POINT,
        summary="Criminele en seksuele uitbuiting; sextortion.",
    )
    services.record_threat(
        case=case,
        by=worker,
        kind=Threat.Kind.ONLINE,
        happened_on=ages.today() - timedelta(days=3),
        against="Sem",
        description="Dreigt foto's te verspreiden.",
        informed="",
        access_point=ACCESS_POINT,
    )
    services.update_case(
        case=case,
        by=worker,
        expected_version=case.version,
        access_point=ACCESS_POINT,
        summary=case.summary,
        contact_details="",
        risk_level="high",
    )
