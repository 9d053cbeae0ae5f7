"""Directory searches are cheap: the first search of a region takes two queries, on indexes;
the next ones in that region share its rendering (core/pagecache.py) and take none.
Here, in tests/core, so that it runs in the PostgreSQL pass of `make test`."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.models import Q
from django.test import Client

from vangnet.guide.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "query",
    ["need=talk&postcode=8011AB", "need=care&audience=parents&postcode=1012AB", "need=danger"],
)
def test_a_search_takes_two_queries_then_none(query: str, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(2):  # the services, and their opening hours
        response = Client().get(f"/help/?{query}")
    assert response.status_code == 200
    with django_assert_num_queries(0):
        again = Client().get(f"/help/?{query.replace('AB', 'XY')}")
    assert again.status_code == 200


@pytest.mark.postgres_db
def test_directory_search_can_use_its_indexes() -> None:
    """With sequential scans priced out (the seeded table is tiny), PostgreSQL answers the
    search from the directory's indexes."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    by_kind = Organisation.objects.filter(active=True, kind__in=["chat", "helpline"])
    by_place = Organisation.objects.filter(active=True).filter(
        Q(scope=Organisation.Scope.NATIONAL) | Q(province__in=["UT"])
    )
    for search in (by_kind, by_place):
        plan = search.explain()
        assert "Index" in plan and "Seq Scan" not in plan, plan
