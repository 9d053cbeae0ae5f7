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


def test_answers_are_never_cached_and_searches_never_stored_for_nginx() -> None:
    for _ in range(2):
        response = Client().get("/help/?need=talk&postcode=8011AB")
        assert response.status_code == 200
        assert "X-Accel-Expires" not in response  # nginx would key it on the postcode
    answered = Client().post("/self-check/parents/", {})
    assert "X-Accel-Expires" not in answered


def test_a_search_is_shared_per_region_and_never_carries_another_visitors_postcode(
    django_assert_num_queries: Any,
) -> None:
    with django_assert_num_queries(2):  # the first search of Overijssel: services, hours
        first = Client().get("/help/?need=talk&postcode=8011AB")
    with django_assert_num_queries(0):  # another visitor in Overijssel: the shared page
        second = Client().get("/help/?need=talk&postcode=8012 CD")
    first_html, second_html = first.content.decode(), second.content.decode()
    assert 'value="8011AB"' in first_html
    assert 'value="8012 CD"' in second_html and "8011AB" not in second_html
    assert "\x00" not in second_html  # every placeholder filled
    assert first_html.replace("8011AB", "8012 CD") == second_html
    assert not second.cookies


REGION_SEARCH = "/help/?need=talk&audience=&region=GE-OV"  # as directory-search.js asks


def test_a_region_search_in_its_canonical_form_may_be_kept_by_nginx(
    django_assert_num_queries: Any,
) -> None:
    # A visitor without JavaScript searched by postcode in the same region first: the region
    # search is that search (0 queries), without anybody's postcode, and nginx may keep it.
    by_postcode = Client().get("/help/?need=talk&postcode=8011AB")
    assert "X-Accel-Expires" not in by_postcode
    for _ in range(2):
        with django_assert_num_queries(0):
            by_region = Client().get(REGION_SEARCH)
        assert by_region.status_code == 200
        assert 0 < int(by_region["X-Accel-Expires"]) <= 10
        assert by_region["Cache-Control"] == "no-store" and not by_region.cookies
        html = by_region.content.decode()
        assert html == by_postcode.content.decode().replace('value="8011AB"', 'value=""')
        assert "Gelderland, Overijssel" in html


@pytest.mark.parametrize(
    "query",
    [
        "need=talk&region=GE-OV",  # no audience
        "audience=&need=talk&region=GE-OV",  # another order of the fields
        "need=talk&audience=&region=OV-GE",  # another order of the provinces
        "need=talk&audience=&region=GE-OV&utm_source=tv",  # anything more
        "need=talk&audience=&region=GE-OV&postcode=",
        "need=talk&audience=&region=GE-OV&postcode=8011AB",
        "need=talk&audience=&region=GE-OV&region=GE-OV",
        "need=talk&audience=&region=GE%2DOV",
        "need=talk&audience=&province=OV&region=GE-OV",
    ],
)
def test_other_spellings_of_a_search_are_answered_but_not_kept_by_nginx(query: str) -> None:
    Client().get(REGION_SEARCH)  # the shared page exists
    for _ in range(2):
        response = Client().get(f"/help/?{query}")
        assert response.status_code == 200
        assert "X-Accel-Expires" not in response
        assert b"errorlist" not in response.content


@pytest.mark.parametrize(
    "region", ["XX", "nh", "NH-", "NH--ZH", "-", " NH", "NH-ZH-" * 20, "%00", "NH%0AZH", "NH,ZH"]
)
def test_a_bad_region_gets_the_forms_clear_error_never_a_500(region: str) -> None:
    for prefix, message in (("", "De regio in dit adres"), ("/en", "The region in this address")):
        response = Client().get(f"{prefix}/help/?need=talk&audience=&region={region}")
        assert response.status_code == 200
        html = response.content.decode()
        assert "errorlist" in html
        # (A null character gets Django's own message for every text field.)
        assert message in html or region == "%00"
        assert 'href="#id_province"' in html  # the error leads to a field on the page
        assert "X-Accel-Expires" not in response


def test_a_search_elsewhere_or_for_something_else_is_rendered_for_itself(
    django_assert_num_queries: Any,
) -> None:
    Client().get("/help/?need=talk&postcode=8011AB")
    for other in ("need=talk&postcode=1012AB", "need=care&postcode=8011AB", "need=talk"):
        with django_assert_num_queries(2):
            assert Client().get(f"/help/?{other}").status_code == 200


def test_a_changed_directory_entry_shows_in_searches_at_once(
    django_assert_num_queries: Any,
) -> None:
    search = "/help/?need=talk&postcode=8011AB"
    Client().get(search)
    entry = Organisation.objects.get(slug="vangnet-chat")
    entry.name = "Vangnet, nu met een nieuwe naam"
    entry.save()
    with django_assert_num_queries(2):
        html = Client().get(search).content.decode()
    assert "Vangnet, nu met een nieuwe naam" in html
    entry.active = False
    entry.save()
    assert "Vangnet, nu met een nieuwe naam" not in Client().get(search).content.decode()


def test_a_search_with_cookies_is_rendered_for_itself_with_the_staff_note(
    staff_client: Callable[..., tuple[Client, Any]],
) -> None:
    Organisation.objects.filter(slug="vangnet-chat").update(verification="unverified")
    search = "/help/?need=talk&postcode=8011AB"
    staff, _user = staff_client(Role.COUNSELLOR)
    assert "shown to staff only" in staff.get("/en" + search).content.decode()
    public = Client().get("/en" + search).content.decode()  # not the staff member's page
    assert "Vangnet" in public and "shown to staff only" not in public
    assert "shown to staff only" in staff.get("/en" + search).content.decode()


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
