"""Fixtures for the cases tests: a case worker, a police partner, cases at a chosen age."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client

from tests.conftest import verified_client
from vangnet.cases import ages, services
from vangnet.cases.models import Case, Person
from vangnet.chat.models import Conversation, VisitorRole
from vangnet.core.roles import Role
from vangnet.sharing.models import PartnerOrganisation

AP = "test"


def born_years_ago(years: int, months: int = 0) -> date:
    return ages.add_months(ages.today(), -(years * 12 + months))


@pytest.fixture
def worker_staff(make_staff: Callable[..., Any]) -> Any:
    return make_staff(Role.CASE_WORKER)


@pytest.fixture
def case_worker(worker_staff: Any) -> Any:
    return worker_staff.user


@pytest.fixture
def worker_client(worker_staff: Any) -> Client:
    return verified_client(worker_staff)


@pytest.fixture
def colleague(make_staff: Callable[..., Any]) -> Any:
    return make_staff(Role.CASE_WORKER).user


@pytest.fixture
def counsellor(make_staff: Callable[..., Any]) -> Any:
    return make_staff(Role.COUNSELLOR).user


@pytest.fixture
def police(db: None) -> PartnerOrganisation:
    return PartnerOrganisation.objects.create(name="Politie", kind=PartnerOrganisation.Kind.POLICE)


@pytest.fixture
def veilig_thuis(db: None) -> PartnerOrganisation:
    return PartnerOrganisation.objects.create(
        name="Veilig Thuis", kind=PartnerOrganisation.Kind.VEILIG_THUIS
    )


@pytest.fixture
def police_staff(make_staff: Callable[..., Any], police: PartnerOrganisation) -> Any:
    return make_staff(Role.PARTNER, organisation="Politie")


@pytest.fixture
def police_officer(police_staff: Any) -> Any:
    return police_staff.user


@pytest.fixture
def make_case(case_worker: Any) -> Callable[..., Case]:
    def make(age: int = 16, months: int = 0, **kwargs: Any) -> Case:
        kwargs.setdefault("name", "Lisa")
        kwargs.setdefault("by", case_worker)
        return services.open_case(
            date_of_birth=born_years_ago(age, months), access_point=AP, **kwargs
        )

    return make


@pytest.fixture
def add_parent(case_worker: Any) -> Callable[..., Person]:
    def add(case: Case, name: str = "Moeder", **kwargs: Any) -> Person:
        kwargs.setdefault("has_parental_authority", True)
        return services.add_person(
            case=case,
            by=case_worker,
            access_point=AP,
            name=name,
            relation=Person.Relation.PARENT_CARER,
            **kwargs,
        )

    return add


@pytest.fixture
def conversation(counsellor: Any) -> Conversation:
    return Conversation.objects.create(
        token_hash=hashlib.sha256(uuid.uuid4().bytes).hexdigest(),
        visitor_role=VisitorRole.YOUNG_PERSON,
        status=Conversation.Status.ACTIVE,
        counsellor=counsellor,
    )
