"""Shared fixtures: staff members per role, logged-in clients with a verified second factor,
and the rule that in CI no test is skipped for a missing service."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY

from vangnet.accounts.models import User
from vangnet.accounts.services import NewStaff, create_staff
from vangnet.core.roles import Role

STAFF_PASSWORD = "correct horse battery staple"
_numbers = itertools.count(1)

IN_CI = os.environ.get("CI", "").lower() == "true"
SERVICE_ENV = {
    "postgres": "VANGNET_TEST_DATABASE_URL",
    "redis": "VANGNET_TEST_REDIS_URL",
    "browser": "VANGNET_TEST_CHROMIUM",
}


def chromium_path() -> str:
    return os.environ.get("VANGNET_TEST_CHROMIUM", "/usr/bin/chromium")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip a test whose service is missing, except in CI, where that is a failure."""
    for item in items:
        for marker, variable in SERVICE_ENV.items():
            if marker not in item.keywords:
                continue
            available = (
                os.path.exists(chromium_path()) if marker == "browser" else os.environ.get(variable)
            )
            if available:
                continue
            reason = f"needs {marker} ({variable})"
            if IN_CI:
                item.add_marker(pytest.mark.usefixtures("_fail_missing_service"))
            else:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture
def _fail_missing_service() -> None:
    pytest.fail("A service this test needs is missing, and CI=true forbids skipping it.")


@pytest.fixture
def make_staff(db: None) -> Callable[..., NewStaff]:
    def make(*roles: Role, username: str | None = None, organisation: str = "") -> NewStaff:
        name = username or f"{roles[0].value if roles else 'staff'}{next(_numbers)}"
        return create_staff(
            username=name,
            password=STAFF_PASSWORD,
            roles=list(roles),
            full_name=f"Test {name.title()}",
            organisation=organisation,
        )

    return make


def verified_client(staff: NewStaff) -> Client:
    """A client logged in with password and second factor, as after a real login."""
    client = Client()
    client.force_login(staff.user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = staff.device.persistent_id
    session.save()
    return client


@pytest.fixture
def staff_client(make_staff: Callable[..., NewStaff]) -> Callable[..., tuple[Client, User]]:
    def login(*roles: Role, **kwargs: str) -> tuple[Client, User]:
        staff = make_staff(*roles, **kwargs)
        return verified_client(staff), staff.user

    return login
