"""The chat in real browsers through the nginx sample in front of two server processes, as in
production: HTTPS, the WebSocket upgraded by nginx, no sticky sessions, the browser's own
`https://` Origin checked by scheme, host and port, and no client address in nginx's logs."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from bench.chatclient import staff_login
from bench.nginx_front import NginxFront
from playwright.sync_api import Browser, Page, expect

from tests.chat.test_scale_out import postgres_database, production_env, totp_code
from tests.conftest import IN_CI
from tests.servers import Server
from vangnet.accounts.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture
def front(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[NginxFront, Server]]:
    """nginx with the deployment sample before two workers on PostgreSQL + Redis, HTTPS on."""
    if shutil.which("nginx") is None and not IN_CI:
        pytest.skip("needs Debian's nginx (apt-get install nginx); .ci/run installs it")
    with postgres_database() as database_url:
        env = production_env(tmp_path, database_url)
        env.update(VANGNET_HTTPS="1")  # as in production behind TLS
        a, b = Server(env=env).start(), Server(env=env).start()
        (tmp_path / "nginx").mkdir()  # the sample's paths, a self-signed certificate
        nginx = NginxFront(
            tmp_path / "nginx",
            [a.port, b.port],
            static_root=Path(env["VANGNET_DATA_DIR"]) / "static",
        )
        nginx.start()
        monkeypatch.setenv("SSL_CERT_FILE", str(nginx.cert))  # Python's login trusts it too
        try:
            yield nginx, b
        finally:
            nginx.stop()
            a.stop()
            b.stop()


def page_behind(browser: Browser, nginx: NginxFront, session: str = "") -> Page:
    context = browser.new_context(locale="nl-NL", ignore_https_errors=True)
    if session:
        context.add_cookies(
            [{"name": "sessionid", "value": session, "url": nginx.url, "secure": True}]
        )
    return context.new_page()


def test_a_browser_chat_through_nginx_in_front_of_two_processes(
    browser: Browser, front: tuple[NginxFront, Server]
) -> None:
    nginx, worker = front
    session = staff_login(nginx.url, "anna", DEMO_PASSWORD, totp_code(worker.env, "anna"))
    anna = page_behind(browser, nginx, session=session)
    anna.goto(f"{nginx.url}/staff/chat/")
    expect(anna.locator("#console-status")).not_to_be_empty()
    anna.click("#duty-button")
    expect(anna.locator("#duty-button")).to_have_attribute("data-on", "true")

    visitor = page_behind(browser, nginx)
    visitor.goto(f"{nginx.url}/chat/")
    visitor.check("#role-young_person")
    visitor.fill("#nickname", "Mila")
    visitor.click("#start-button")
    anna.locator("#queue button", has_text=re.compile("Accept|Aannemen")).first.click()
    expect(visitor.locator("#chat-status")).to_contain_text("Anna")

    for text in ("Hoi, is daar iemand?", "Ik wil iets vertellen"):
        visitor.fill("#message", text)
        visitor.press("#message", "Enter")
        expect(anna.locator("#chat-log")).to_contain_text(text)
    anna.fill("#message", "Ja, ik ben er. Vertel maar.")
    anna.click("#send-form button[type=submit]")
    expect(visitor.locator("#chat-log")).to_contain_text("Ja, ik ben er. Vertel maar.")

    # A reload reconnects (possibly to the other worker) and catches up.
    visitor.reload()
    expect(visitor.locator("#chat-log")).to_contain_text("Ik wil iets vertellen")
    expect(visitor.locator("#chat-log")).to_contain_text("Ja, ik ben er. Vertel maar.")

    logs = nginx.logs()
    assert "127.0.0.1" not in logs.replace(f"127.0.0.1:{nginx.https_port}", "")  # no address
    assert "Traceback" not in worker.log()
