"""The case page and the timeline make the same number of queries for a small and a full case."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.cases.conftest import AP
from vangnet.cases import ages, services
from vangnet.cases.models import Threat
from vangnet.sharing.models import Share

pytestmark = pytest.mark.django_db


def fill(case, by, police, n):
    for i in range(n):
        person = services.add_person(
            case=case,
            by=by,
            access_point=AP,
            name=f"P{i}",
            relation="parent_carer",
            is_suspected_perpetrator=i == 0,
        )
        services.add_emergency_contact(case=case, by=by, name=f"E{i}", phone="06", access_point=AP)
        services.record_threat(
            case=case,
            by=by,
            kind=Threat.Kind.STALKING,
            happened_on=ages.today(),
            against=person.name,
            description="x",
            informed="",
            access_point=AP,
        )
        goal = services.add_goal(case=case, by=by, text=f"G{i}", access_point=AP)
        services.add_note(
            case=case, by=by, text="n", happened_on=ages.today(), goal=goal, access_point=AP
        )
        share = services.share_with_partner(
            case=case,
            by=by,
            organisation=police,
            sections=["identity"],
            purpose="p",
            basis=Share.Basis.MELDCODE,
            basis_detail="m",
            access_point=AP,
            valid_until=ages.today() + timedelta(days=3),
        )
        services.revoke_share(share=share, by=by, reason="r", access_point=AP)


def count(worker_client, case, name):
    with CaptureQueriesContext(connection) as queries:
        response = worker_client.get(reverse(f"cases:{name}", args=[case.reference]))
    assert response.status_code == 200
    # The session's own bookkeeping (inactivity timestamp) varies per request; leave it out.
    return sum(
        1
        for q in queries.captured_queries
        if "django_session" not in q["sql"] and "SAVEPOINT" not in q["sql"]
    )


@pytest.mark.parametrize("name", ["case_detail", "timeline"])
def test_queries_do_not_grow_with_the_case(worker_client, make_case, case_worker, police, name):
    small, full = make_case(name="Klein"), make_case(name="Vol")
    fill(small, case_worker, police, 1)
    fill(full, case_worker, police, 6)
    assert count(worker_client, full, name) == count(worker_client, small, name)
