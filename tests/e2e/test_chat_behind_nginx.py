"""The chat in real browsers through the nginx sample in front of two page processes and the
chat's own process, as in production: HTTPS, the WebSocket upgraded by nginx, no sticky
sessions, the browser's own `https://` Origin checked by scheme, host and port, and no client
address in nginx's logs."""

from __future__ import annotations

import re

import pytest
from bench.chatclient import staff_login
from bench.nginx_front import NginxFront
from playwright.sync_api import Browser, Page, expect

from tests.chat.test_scale_out import totp_code
from tests.nginx_deployment import Deployment, deployment, deployment_env
from vangnet.accounts.demo import DEMO_PASSWORD

__all__ = ["deployment", "deployment_env"]  # the fixtures

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]


def page_behind(browser: Browser, nginx: NginxFront, session: str = "") -> Page:
    context = browser.new_context(locale="nl-NL", ignore_https_errors=True)
    if session:
        context.add_cookies(
            [{"name": "sessionid", "value": session, "url": nginx.url, "secure": True}]
        )
    return context.new_page()


def test_a_browser_chat_through_nginx_on_the_chats_own_process(
    browser: Browser, deployment: Deployment
) -> None:
    nginx = deployment.nginx
    session = staff_login(nginx.url, "anna", DEMO_PASSWORD, totp_code(deployment.env, "anna"))
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
    for server in deployment.servers:
        assert "Traceback" not in server.log()
