"""Any query string, any filter combination, any year: an answer, never a 500, never a count
the rules say must not be shown."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.monitor import attack
from vangnet.core.roles import Role

V = {"role": "victim_self", "victim_exploited": "yes", "date": "2024-03-10"}
NAMES = ["year", "granularity", "role", "age_band", "form", "channel", "format", "x"]
VALUES = st.one_of(
    st.sampled_from(
        [
            "2024",
            "2023",
            "0",
            "-1",
            "99999999999999999999",
            "month",
            "quarter",
            "year",
            "",
            "victim_self",
            "under_12",
            "15_17",
            "labour",
            "sexual",
            "chat",
            "phone",
            "pdf",
            "csv",
            "parquet",
        ]
    ),
    st.text(max_size=12),
)
QUERIES = st.lists(st.tuples(st.sampled_from(NAMES), VALUES), max_size=8)


@pytest.fixture
def researcher(staff_client, load_rows):
    load_rows(
        [
            (40, {**V, "exploitation_forms": "sexual", "victim_age_band": "15_17"}),
            (12, {**V, "exploitation_forms": "criminal", "channel": "phone"}),
            (2, {**V, "exploitation_forms": "labour", "victim_age_band": "under_12"}),
        ]
    )
    client, _user = staff_client(Role.RESEARCHER)
    return client


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=QUERIES)
def test_the_dashboard_answers_every_query_string(researcher, query):
    raw = urlencode(query)
    response = researcher.get(f"{reverse('monitor:dashboard')}?{raw}")
    assert response.status_code == 200
    shown, _hidden = attack.parse(response.content.decode())
    assert all(value >= 10 for value in shown.values())


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=QUERIES.filter(lambda q: ("format", "pdf") not in q))
def test_the_report_answers_every_query_string(researcher, query):
    response = researcher.get(f"{reverse('monitor:report')}?{urlencode(query)}")
    assert response.status_code == 200
    shown, _hidden = attack.parse(response.content.decode())
    assert all(value >= 10 for value in shown.values())


@pytest.mark.parametrize("raw", ["year=%ff%fe", "year=2024&year=abc", "%zz=1", "format=pdf&year="])
def test_broken_encodings_get_an_answer(researcher, raw):
    assert researcher.get(f"{reverse('monitor:dashboard')}?{raw}").status_code == 200
    assert researcher.get(f"{reverse('monitor:report')}?{raw}").status_code == 200
    export = reverse("monitor:project_export", args=[1])
    assert researcher.get(f"{export}?{raw}").status_code == 404
