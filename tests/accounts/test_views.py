"""Staff pages: the access log view, logout, inactivity, and the headers every page carries."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from vangnet.accounts.middleware import LAST_SEEN_KEY
from vangnet.core.audit import log_access
from vangnet.core.models import AccessLogEntry
from vangnet.core.roles import Role

pytestmark = pytest.mark.django_db


def test_administrator_reads_the_access_log_and_the_read_is_logged(staff_client, make_staff):
    reader = make_staff(Role.COUNSELLOR).user
    log_access(
        user=reader,
        event=AccessLogEntry.Event.TRANSCRIPT_READ,
        role=Role.COUNSELLOR,
        access_point="web:chat:transcript",
        record_type="conversation",
        record_id="c-123",
    )
    client, admin = staff_client(Role.ADMINISTRATOR)
    response = client.get(reverse("accounts:access_log"), {"username": reader.username})
    assert response.status_code == 200
    page = response.content.decode()
    assert reader.username in page and "c-123" in page
    read = AccessLogEntry.objects.filter(event=AccessLogEntry.Event.ACCESS_LOG_READ).get()
    assert read.username == admin.username
    assert read.role == Role.ADMINISTRATOR
    assert read.access_point == "web:accounts:access_log"
    assert f"username={reader.username}" in read.detail


def test_the_access_log_shows_words_and_dutch_time_not_codes(staff_client, make_staff):
    """Human labels in the reader's language and Europe/Amsterdam time, like the who-looked
    report (issue 12): no `case_worker`, `web:…` or `cli:…`, no UTC."""
    worker = make_staff(Role.CASE_WORKER, username="marit").user
    entry = log_access(
        user=worker,
        event=AccessLogEntry.Event.CASE_OPEN,
        role=Role.CASE_WORKER,
        access_point="web:cases:case_detail",
        record_type="case",
        record_id="VN-ABCD1234",
    )
    log_access(user=None, event=AccessLogEntry.Event.CASE_CREATE, access_point="cli:demo-data")
    client, _admin = staff_client(Role.ADMINISTRATOR)
    html = client.get(reverse("accounts:access_log")).content.decode()
    row = html[html.index(worker.username) - 200 :][:900]
    with translation.override("nl"):
        local = date_format(timezone.localtime(entry.at), "j M Y H:i:s")
        utc = date_format(entry.at.astimezone(dt.UTC), "j M Y H:i:s")
        role = str(Role.CASE_WORKER.label)
    offset = timezone.localtime(entry.at).utcoffset()
    assert offset in (dt.timedelta(hours=1), dt.timedelta(hours=2))
    assert local in row and utc not in row
    assert role in row
    assert "case_worker" not in html
    assert "Webpagina: dossier" in html
    assert "Opdracht: demo-data" in html
    for code in ("web:", "cli:", "ws:", ">case<"):
        assert code not in html, code
    client.post(reverse("set_language"), {"language": "en", "next": "/staff/access-log/"})
    english = client.get(reverse("accounts:access_log")).content.decode()
    assert "Web page: case" in english and "Command: demo-data" in english


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMINISTRATOR])
def test_only_administrators_read_the_access_log(staff_client, role):
    client, _user = staff_client(role)
    assert client.get(reverse("accounts:access_log")).status_code == 403
    assert not AccessLogEntry.objects.filter(event=AccessLogEntry.Event.ACCESS_LOG_READ).exists()


def test_the_access_log_page_offers_no_way_to_change_entries(staff_client):
    client, _user = staff_client(Role.ADMINISTRATOR)
    page = client.get(reverse("accounts:access_log")).content.decode()
    main = page.split("<main", 1)[1].split("</main>", 1)[0]
    assert 'method="post"' not in main
    assert client.post(reverse("accounts:access_log"), {"detail": "x"}).status_code == 405
    assert set(AccessLogEntry.objects.values_list("event", flat=True)) == {"accesslog.read"}


def test_logout_clears_the_session_and_the_browser(staff_client):
    client, _user = staff_client(Role.COUNSELLOR)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert '"cache"' in response["Clear-Site-Data"]
    # Not "cookies" (that would forget the known browser); the session cookie goes by name.
    assert response.cookies["sessionid"].value == ""
    assert '"storage"' in response["Clear-Site-Data"]
    assert client.get(reverse("accounts:home")).status_code == 302


def test_logout_needs_post(staff_client):
    client, _user = staff_client(Role.COUNSELLOR)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.get(reverse("accounts:home")).status_code == 200


def test_inactivity_logs_staff_out_after_the_configured_time(staff_client, settings):
    settings.VANGNET_INACTIVITY_TIMEOUT = 60
    client, _user = staff_client(Role.COUNSELLOR)
    assert client.get(reverse("accounts:home")).status_code == 200

    session = client.session
    session[LAST_SEEN_KEY] = time.time() - 50
    session.save()
    assert client.get(reverse("accounts:home")).status_code == 200  # activity renews the clock

    session = client.session
    session[LAST_SEEN_KEY] = time.time() - 61
    session.save()
    response = client.get(reverse("accounts:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert client.get(reverse("accounts:home")).status_code == 302  # the session is gone
    page = client.get(reverse("accounts:login")).content.decode()
    assert "uitgelogd" in page


def test_default_inactivity_timeout_is_30_minutes():
    from django.conf import settings

    assert settings.VANGNET_INACTIVITY_TIMEOUT == 30 * 60


@pytest.mark.parametrize("path", ["/staff/login/", "/", "/en/"])
def test_security_headers_and_a_strict_csp(client: Client, path: str):
    response = client.get(path)
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    directives = dict(
        (part.split()[0], part.split()[1:]) for part in csp.split(";") if part.strip()
    )
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"  # no referrer leaves the site
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["Cache-Control"] == "no-store"


def test_staff_cookies_are_http_only_and_die_with_the_browser(make_staff, client: Client):
    from tests.conftest import STAFF_PASSWORD
    from vangnet.accounts.services import current_totp

    staff = make_staff(Role.COUNSELLOR)
    client.get(reverse("accounts:login"))
    response = client.post(
        reverse("accounts:login"),
        {
            "username": staff.user.username,
            "password": STAFF_PASSWORD,
            "otp_token": current_totp(staff.user),
        },
    )
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"]
    assert cookie["max-age"] == ""  # a browser-session cookie
    assert cookie["samesite"] == "Lax"


INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>", re.IGNORECASE
)
INLINE_STYLE = re.compile(r"\sstyle=|\son[a-z]+=", re.IGNORECASE)


def test_no_template_carries_inline_script_or_style():
    """The CSP forbids them; a template that uses them breaks silently in the browser.

    (A `<style>` element may appear for PDF rendering only; served pages are checked for it in
    tests/core/test_access.py.)
    """
    from pathlib import Path

    import vangnet

    offenders = []
    for template in Path(vangnet.__file__).parent.glob("**/templates/**/*.html"):
        text = template.read_text()
        for pattern in (INLINE_SCRIPT, INLINE_STYLE):
            for match in pattern.finditer(text):
                offenders.append(f"{template}: {match.group(0).strip()}")
    assert not offenders, "\n".join(offenders)
