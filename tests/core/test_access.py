"""URL × role: every staff page, present and future, goes through `staff_view` and the policy.

The URL patterns are enumerated from the resolver, so a new page cannot escape this test.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

import pytest
from django.http.response import HttpResponseBase
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from vangnet.core.access import ROLE_ACTIONS, Action, may
from vangnet.core.roles import Role

# The only doors into /staff/ that are open before login.
UNGUARDED = {"accounts:login", "accounts:logout"}
# Old addresses of pages that moved: guarded like the page, then a permanent redirect.
MOVED = {"staff/cases/partner/"}

# What the CSP (no 'unsafe-inline') blocks in a served page.
CSP_VIOLATION = re.compile(
    r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>|<style\b|\sstyle=\"|\son[a-z]+=\"",
    re.IGNORECASE,
)
SAMPLE_BY_CONVERTER = {"int": "1", "uuid": str(uuid.UUID(int=1)), "slug": "x", "str": "x"}
CONVERTER = re.compile(r"<(?:(?P<kind>[^>:]+):)?(?P<name>[^>]+)>")


@dataclass(frozen=True)
class StaffUrl:
    route: str  # e.g. "staff/chat/<int:pk>/"
    name: str
    callback: object

    @property
    def has_parameters(self) -> bool:
        return "<" in self.route or "(?P" in self.route

    def sample_path(self) -> str:
        """A path that resolves to this pattern, with made-up parameter values."""

        def sample(match: re.Match[str]) -> str:
            return SAMPLE_BY_CONVERTER.get(match.group("kind") or "str", "1")

        path = CONVERTER.sub(sample, self.route)
        return "/" + path.replace("^", "").replace("$", "").replace("\\Z", "")


def staff_urls() -> list[StaffUrl]:
    found: list[StaffUrl] = []

    def walk(patterns: list[object], prefix: str, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                if route.lstrip("^").startswith("staff/"):
                    name = f"{namespace}{pattern.name}" if pattern.name else route
                    found.append(StaffUrl(route=route, name=name, callback=pattern.callback))

    walk(get_resolver().url_patterns, "", "")
    return found


def knock(client: Client, path: str) -> HttpResponseBase:
    """GET, or an empty POST where the view only takes POST: the guard must answer first."""
    response = client.get(path)
    if response.status_code == 405:
        response = client.post(path)
    return response


STAFF_URLS = staff_urls()
GUARDED = [url for url in STAFF_URLS if url.name not in UNGUARDED]
PARAMETERLESS = [url for url in GUARDED if not url.has_parameters]


def test_the_walk_finds_the_staff_pages():
    names = {url.name for url in STAFF_URLS}
    assert {"accounts:home", "accounts:access_log", "accounts:login"} <= names
    for url in STAFF_URLS:
        assert url.sample_path().startswith("/staff/"), url


@pytest.mark.parametrize("url", GUARDED, ids=lambda url: url.name)
def test_every_staff_view_is_guarded_by_staff_view(url: StaffUrl):
    assert hasattr(url.callback, "staff_action"), (
        f"{url.name} ({url.route}) is not wrapped in accounts.decorators.staff_view"
    )
    action = url.callback.staff_action
    assert action is None or isinstance(action, Action)


@pytest.mark.django_db
@pytest.mark.parametrize("url", GUARDED, ids=lambda url: url.name)
def test_anonymous_and_unverified_users_are_sent_to_login(url: StaffUrl, make_staff):
    path = url.sample_path()
    login = reverse("accounts:login")
    anonymous = knock(Client(), path)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(login), path

    # Password right, second factor never given: no access either, whatever the role.
    staff = make_staff(*Role)
    client = Client()
    client.force_login(staff.user)
    unverified = knock(client, path)
    assert unverified.status_code == 302 and unverified["Location"].startswith(login), path


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role), ids=lambda role: role.value)
def test_each_role_sees_exactly_the_pages_the_policy_allows(role: Role, staff_client):
    client, user = staff_client(role)
    wrong = []
    for url in PARAMETERLESS:
        action = url.callback.staff_action  # type: ignore[attr-defined]
        allowed = action is None or may(user, action)
        response = client.get(url.sample_path()) if allowed else knock(client, url.sample_path())
        expected = (301,) if url.name in MOVED else (200, 405)
        if allowed and response.status_code not in expected:
            wrong.append(f"{url.name}: {response.status_code}, expected 200 for {role.value}")
        if not allowed and response.status_code != 403:
            wrong.append(f"{url.name}: {response.status_code}, expected 403 for {role.value}")
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            inline = CSP_VIOLATION.search(response.content.decode())
            if inline:
                wrong.append(f"{url.name}: inline {inline.group(0)!r} is blocked by the CSP")
    assert not wrong, "\n".join(wrong)


def test_every_role_has_a_place_in_the_policy():
    assert set(ROLE_ACTIONS) == set(Role)
    granted = set().union(*ROLE_ACTIONS.values())
    assert granted == set(Action), f"actions no role has: {set(Action) - granted}"


@pytest.mark.django_db
def test_roles_come_only_from_groups_and_inactive_users_have_none(make_staff):
    staff = make_staff(Role.COUNSELLOR)
    assert may(staff.user, Action.CHAT_CONSOLE)
    assert not may(staff.user, Action.ACCESS_LOG_VIEW)
    staff.user.is_active = False
    assert not may(staff.user, Action.CHAT_CONSOLE)
