"""Public pages come from the page cache: cheap in a media spike, fresh after an edit, and
never carrying a cookie, a CSRF token or anything of one visitor to another."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from vangnet.core.roles import Role
from vangnet.guide.models import Organisation, Page

pytestmark = pytest.mark.django_db

CACHED_PAGES = [
    "/",
    "/parents/",
    "/self-check/parents/",
    "/help/",
    "/info/parents-signals/",
    "/en/info/parents-signals/",
]


@pytest.mark.parametrize("path", CACHED_PAGES)
def test_second_visitor_gets_the_page_without_a_query(path: str) -> None:
    first = Client().get(path)
    with CaptureQueriesContext(connection) as captured:
        second = Client().get(path)
    assert len(captured) == 0
    assert second.status_code == 200
    assert second.content == first.content
    # The browser still keeps nothing; nginx may keep it for a few seconds.
    assert second["Cache-Control"] == "no-store"
    assert int(second["X-Accel-Expires"]) > 0
    assert not second.cookies


def test_an_edited_page_is_shown_at_once() -> None:
    assert "Signalen" in Client().get("/info/parents-signals/").content.decode()
    page = Page.objects.get(slug="parents-signals")
    page.title_nl = "Signalen, nieuw geschreven"
    page.save()
    assert "Signalen, nieuw geschreven" in Client().get("/info/parents-signals/").content.decode()


def test_a_changed_directory_entry_is_shown_at_once() -> None:
    Client().get("/help/")
    entry = Organisation.objects.filter(active=True).first()
    assert entry is not None
    entry.name = "Een heel nieuwe naam voor de hulplijn"
    entry.save()
    assert "Een heel nieuwe naam voor de hulplijn" in Client().get("/help/").content.decode()
    entry.delete()
    assert "Een heel nieuwe naam voor de hulplijn" not in Client().get("/help/").content.decode()


def test_searches_and_answers_are_never_cached(django_assert_num_queries: Any) -> None:
    for _ in range(2):
        with django_assert_num_queries(2):  # the services, their opening hours
            response = Client().get("/help/?need=talk&postcode=8011AB")
        assert response.status_code == 200
        assert "X-Accel-Expires" not in response
    answered = Client().post("/self-check/parents/", {})
    assert "X-Accel-Expires" not in answered


def test_a_request_with_cookies_is_rendered_for_itself_and_never_stored(
    staff_client: Callable[..., tuple[Client, Any]],
) -> None:
    staff, _user = staff_client(Role.COUNSELLOR)
    assert staff.get("/help/").status_code == 200
    # The staff request stored nothing: the next visitor's page is rendered (queries run) ...
    anonymous = Client()
    with CaptureQueriesContext(connection) as rendered:
        anonymous.get("/help/")
    assert len(rendered) > 0
    # ... and once cached, a request with a cookie still does not get the cached copy.
    with CaptureQueriesContext(connection) as from_staff:
        staff.get("/help/")
    assert len(from_staff) > 0


@pytest.mark.parametrize("path", CACHED_PAGES)
def test_no_cookie_token_or_staff_data_ever_in_a_cached_page(
    path: str, staff_client: Callable[..., tuple[Client, Any]]
) -> None:
    staff, user = staff_client(Role.COUNSELLOR)
    staff.get(path)  # a staff visit first: whatever it saw must not be what is cached
    Client().get(path)  # stores the page
    cached = Client().get(path)
    html = cached.content.decode()
    assert "csrfmiddlewaretoken" not in html
    assert user.username not in html
    assert f"Test {user.username.title()}" not in html  # the name create_staff gave
    assert staff.cookies["sessionid"].value not in html
    assert not cached.cookies
    assert "Set-Cookie" not in cached
