"""Shared fixtures: staff members per role, logged-in clients with a verified second factor,
the rule that in CI no test is skipped for a missing service, and the lock that keeps a test
which restarts the PostgreSQL cluster apart from every other test using that cluster."""

from __future__ import annotations

import fcntl
import itertools
import os
import tempfile
import uuid
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from asgiref.sync import SyncToAsync
from django.db import connections
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


def missing_services(item: pytest.Item) -> list[str]:
    missing = []
    for marker, variable in SERVICE_ENV.items():
        if marker not in item.keywords:
            continue
        available = (
            os.path.exists(chromium_path()) if marker == "browser" else os.environ.get(variable)
        )
        if not available:
            missing.append(f"{marker} ({variable})")
    return missing


# One lock file per machine, as the cluster is one per machine: every test process (the
# pytest-xdist workers of a pass, another run beside it) takes it around each test that uses
# the PostgreSQL server, shared; a test that restarts the whole cluster takes it alone.
POSTGRES_CLUSTER_LOCK = Path(tempfile.gettempdir()) / "vangnet-test-postgres-cluster.lock"


@contextmanager
def postgres_cluster(*, alone: bool = False) -> Iterator[None]:
    """Hold the PostgreSQL cluster: shared with other users, or `alone` (for a restart)."""
    with POSTGRES_CLUSTER_LOCK.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX if alone else fcntl.LOCK_SH)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(
    item: pytest.Item, nextitem: pytest.Item | None
) -> Generator[None, object, object]:
    """A test marked `postgres` holds the cluster from the set-up of its fixtures (a module's
    shared database) to their teardown; one marked `restarts_postgres` holds it alone, so no
    test in another process (pytest-xdist's other worker) loses its connections to a restart."""
    if "postgres" not in item.keywords and "restarts_postgres" not in item.keywords:
        return (yield)
    if missing_services(item):  # skipped or failed without a connection: nothing to wait for
        return (yield)
    with postgres_cluster(alone="restarts_postgres" in item.keywords):
        return (yield)


def _uses_the_browser(item: pytest.Item) -> bool:
    return item.get_closest_marker("browser") is not None


@pytest.hookimpl(trylast=True)  # after pytest-django's own ordering by database use
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Browser tests run last: Playwright's session-wide browser keeps an
    event loop running in the main thread, and an asyncio test after it could not start its own.
    With pytest-xdist (`make test`) this holds in each worker: its default `load` distribution
    hands every worker its tests in this order (`loadscope`/`loadgroup` would reorder them).

    Tests of PostgreSQL itself run in the pass whose database is PostgreSQL, else not at all
    (deselected rather than skipped: no skips in CI)."""
    items.sort(key=_uses_the_browser)  # stable: the order within each group stays
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return
    deselected = [item for item in items if "postgres_db" in item.keywords]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if "postgres_db" not in item.keywords]


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Skip a test whose service is missing, except in CI, where that is a failure."""
    missing = missing_services(item)
    if not missing:
        return
    reason = f"needs {', '.join(missing)}"
    if IN_CI:
        pytest.fail(f"{reason}, and CI=true forbids skipping it.", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None) -> None:
    """A PostgreSQL test database of this process's own: pytest-django names it test_<name>,
    with _gw0, _gw1 for pytest-xdist's workers; a run's own suffix after that keeps two runs on
    one cluster (another worktree, a second CI run) from recreating each other's database."""
    from django.conf import settings

    suffix = uuid.uuid4().hex[:8]
    for db_settings in settings.DATABASES.values():
        if db_settings["ENGINE"] == "django.db.backends.sqlite3":
            continue  # in memory, of this process alone
        test = db_settings.setdefault("TEST", {})
        test["NAME"] = f"{test.get('NAME') or 'test_' + db_settings['NAME']}_{suffix}"


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


@pytest.fixture(autouse=True)
def loops_let_go_of_their_connections() -> Iterator[None]:
    """Connections opened in other threads go back to the pool after each test (on PostgreSQL
    the pool would run dry): an async test's loop ends with the test, and the chat writer's
    database thread of that loop goes with it (in production a process has one loop for life)."""
    from vangnet.realtime.writer import release_closed_loops

    release_closed_loops(wait=True)
    yield
    release_closed_loops(wait=True)
    # And sync_to_async's one shared thread, where an async test's thread-sensitive calls ran.
    SyncToAsync.single_thread_executor.submit(connections.close_all).result()


@pytest.fixture(autouse=True)
def fresh_page_cache() -> None:
    """Each test starts without cached public pages (a rolled-back test sends no signal)."""
    from vangnet.core.pagecache import invalidate_public_pages

    invalidate_public_pages()


@pytest.fixture(autouse=True)
def default_language() -> Iterator[None]:
    """Each test starts in the default language (Dutch): a request to an /en/ page leaves
    English active in the test's thread (LocaleMiddleware does not switch back)."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()
