"""Record-level data only behind an approved research project, coarsened and logged."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import timedelta

import pyarrow.parquet as pq
import pytest
from django.urls import reverse
from django.utils import timezone

from vangnet.core.access import AccessDenied
from vangnet.core.models import AccessLogEntry
from vangnet.core.roles import Role
from vangnet.monitor import microdata, projects
from vangnet.monitor.microdata import QUASI_IDENTIFIERS

V = {"role": "victim_self", "victim_exploited": "yes", "date": "2024-03-10"}


def ask(by, researchers, **overrides):
    values = {
        "title": "Recruitment online",
        "purpose": "How young people are recruited through social media.",
        "data_agreement": "DA-2026-07",
        "end_date": timezone.localdate() + timedelta(days=90),
        "k": 5,
        **overrides,
    }
    return projects.request_project(by=by, researchers=researchers, access_point="test", **values)


@pytest.fixture
def people(make_staff):
    return {
        "rosa": make_staff(Role.RESEARCHER).user,
        "ruben": make_staff(Role.RESEARCHER).user,
        "sara": make_staff(Role.SUPERVISOR).user,
        "admin": make_staff(Role.ADMINISTRATOR).user,
    }


def test_a_project_needs_a_second_person_to_approve_it(people):
    rosa, sara, admin = people["rosa"], people["sara"], people["admin"]
    project = ask(rosa, [rosa])
    with pytest.raises(AccessDenied):
        projects.approve_project(by=rosa, project=project, access_point="test")
    assert not projects.may_export(rosa, project)  # not approved yet
    projects.approve_project(by=sara, project=project, access_point="test")
    assert projects.may_export(rosa, project)
    assert not projects.may_export(people["ruben"], project)  # not named
    with pytest.raises(projects.ProjectError):
        projects.approve_project(by=admin, project=project, access_point="test")
    details = list(
        AccessLogEntry.objects.filter(record_type="monitor.research_project").values_list(
            "detail", flat=True
        )
    )
    assert sorted(details) == [f"{project.reference} approved", f"{project.reference} requested"]


def test_a_project_names_researchers_and_a_future_end(people):
    rosa = people["rosa"]
    with pytest.raises(projects.ProjectError):
        ask(rosa, [people["sara"]])  # a supervisor is not a researcher
    with pytest.raises(projects.ProjectError):
        ask(rosa, [rosa], end_date=timezone.localdate())
    with pytest.raises(projects.ProjectError):
        ask(rosa, [rosa], data_agreement=" ")
    with pytest.raises(AccessDenied):
        ask(people["sara"], [rosa])  # asking is for researchers


def test_an_ended_project_exports_nothing(people):
    rosa, sara = people["rosa"], people["sara"]
    project = ask(rosa, [rosa])
    projects.approve_project(by=sara, project=project, access_point="test")
    assert projects.is_running(project)
    assert not projects.is_running(project, today=project.end_date + timedelta(days=1))


def test_the_export_is_coarsened_k_anonymous_per_project_and_logged(
    people, load_rows, staff_client
):
    load_rows(
        [
            (30, {**V, "exploitation_forms": "sexual", "victim_age_band": "15_17"}),
            (20, {**V, "exploitation_forms": "sexual", "victim_age_band": "12_14"}),
            (1, {**V, "exploitation_forms": "labour", "victim_age_band": "15_17"}),
            (3, {**V, "victim_age_band": "under_12", "date": "2024-02-01", "channel": "phone"}),
        ]
    )
    rosa, sara = people["rosa"], people["sara"]
    first = ask(rosa, [rosa])
    second = ask(rosa, [rosa], title="Another")
    for project in (first, second):
        projects.approve_project(by=sara, project=project, access_point="test")
    client, user = staff_client(Role.RESEARCHER)
    url = reverse("monitor:project_export", args=[first.pk])
    assert client.get(url).status_code == 403  # this researcher is not named on it
    first.researchers.add(user)
    second.researchers.add(user)

    response = client.get(url, {"format": "csv", "year": "2024"})
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert {row["project"] for row in rows} == {first.reference}
    assert {row["period"] for row in rows} <= {"2024-Q1", "2024"}  # never the month
    assert all(row["exploitation_forms"] != "labour" for row in rows)  # one case: merged
    groups = Counter(tuple(row[q] for q in QUASI_IDENTIFIERS) for row in rows)
    assert min(groups.values()) >= 5
    assert [row["pseudonym"] for row in rows] == sorted(row["pseudonym"] for row in rows)

    other = client.get(
        reverse("monitor:project_export", args=[second.pk]), {"format": "parquet", "year": "x"}
    )
    table = pq.read_table(io.BytesIO(other.content))
    assert table.schema.metadata[b"vangnet.project"] == second.reference.encode()
    assert not {row["pseudonym"] for row in rows} & set(table.column("pseudonym").to_pylist())

    logged = AccessLogEntry.objects.filter(event=AccessLogEntry.Event.EXPORT)
    assert sorted(entry.record_id for entry in logged) == sorted([str(first.pk), str(second.pk)])
    assert all("withheld=" in entry.detail for entry in logged)


def test_rows_unique_on_the_quasi_identifiers_are_generalised_or_withheld(people, load_rows):
    load_rows(
        [
            (6, {**V, "victim_age_band": "15_17", "channel": "chat"}),
            (5, {**V, "victim_age_band": "12_14", "channel": "chat"}),
            (1, {**V, "victim_age_band": "under_12", "channel": "email"}),
        ]
    )
    rosa = people["rosa"]
    project = ask(rosa, [rosa], k=5)
    data = microdata.build(project, year=2024)
    assert data.withheld + len(data.rows) == 12
    positions = [data.columns.index(q) for q in QUASI_IDENTIFIERS]
    groups = Counter(tuple(row[i] for i in positions) for row in data.rows)
    assert min(groups.values()) >= 5
    assert data.generalised  # the lone e-mail contact forced a coarser file


def test_the_export_order_follows_neither_the_import_nor_time(people, load_rows):
    """Rows imported (so numbered) in time order come out mixed: a supplier cannot line the
    pseudonyms up with the ids of their own file, nor anyone the rows with dates or chats.

    Forty rows, twenty per quarter: the chance that a random order keeps the quarters in two
    blocks is 2 in 137,846,528,820."""
    load_rows(
        [
            (20, {**V, "date": "2024-02-10"}),
            (20, {**V, "date": "2024-05-10"}),
        ]
    )
    rosa = people["rosa"]
    first, second = ask(rosa, [rosa]), ask(rosa, [rosa], title="Another")
    orders = []
    for project in (first, second):
        data = microdata.build(project, year=2024)
        period = data.columns.index("period")
        periods = [row[period] for row in data.rows]
        assert sorted(periods) == ["2024-Q1"] * 20 + ["2024-Q2"] * 20
        changes = sum(1 for a, b in zip(periods, periods[1:], strict=False) if a != b)
        assert changes > 1, periods  # not in import (id) order, not in time order
        orders.append(periods)
    assert orders[0] != orders[1]  # each project's own pseudonyms give its own order
