"""The journey of issue 4: a counsellor codes a chat; a researcher sees it counted."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.e2e.conftest import staff_login
from tests.servers import Server, run_cli
from vangnet.accounts.demo import DEMO_PASSWORD
from vangnet.monitor import cellkey

pytestmark = pytest.mark.browser

MAKE_ENDED_CHAT = """
from django.utils import timezone
from vangnet.accounts.models import User
from vangnet.chat.models import Conversation
chat = Conversation.objects.create(
    token_hash="e2e-monitor-" + timezone.now().isoformat(), visitor_role="young_person",
    status="ended", counsellor=User.objects.get(username="anna"), ended_at=timezone.now())
print("CHAT", chat.public_id)
"""


AXE = Axe()

COUNTED = """
from django.db.models import Sum
from vangnet.monitor.models import MonthlyCell
print("COUNTED", MonthlyCell.objects.aggregate(n=Sum("n"))["n"] or 0)
"""


def counted(server: Server) -> int:
    """The monitor's own summary: what it counts before the perturbation of the page."""
    return int(re.search(r"COUNTED (\d+)", run_cli(server.env, "shell", stdin=COUNTED))[1])  # type: ignore[index]


def contacts_this_year(page: Page, server: Server) -> int:
    page.goto(f"{server.url}/staff/monitor/")
    cell = page.locator("tr[data-figure=contacts] td.num").first
    return int(re.sub(r"\D", "", cell.inner_text()))


def test_a_coded_chat_is_counted_in_the_monitor(server: Server, page: Page) -> None:
    output = run_cli(server.env, "shell", stdin=MAKE_ENDED_CHAT)
    public_id = re.search(r"CHAT (\S+)", output)[1]  # type: ignore[index]

    staff_login(page, server, "rosa", DEMO_PASSWORD)
    before = contacts_this_year(page, server)
    summary_before = counted(server)
    expect(page.locator(".synthetic")).to_be_visible()
    page.context.clear_cookies()

    staff_login(page, server, "anna", DEMO_PASSWORD)
    page.goto(f"{server.url}/staff/coding/")
    page.click(f"a[href$='conversation={public_id}']")
    # The visitor said "a young person, about myself": the role is filled in already.
    expect(page.locator("input[name=role][value=victim_self]")).to_be_checked()
    page.check("input[name=victim_exploited][value=yes]")
    page.check("input[name=exploitation_forms][value=sexual]")
    page.check("input[name=recruitment_channel][value=social_media]")
    page.click("form.coding-form button[type=submit]")
    expect(page.locator(".message-success")).to_be_visible()
    page.goto(f"{server.url}/staff/coding/")
    expect(page.locator(f"a[href$='conversation={public_id}']")).to_have_count(0)
    page.context.clear_cookies()

    # The monitor recounted after the coding's commit (a signal, not an import of the monitor).
    assert counted(server) == summary_before + 1
    staff_login(page, server, "rosa", DEMO_PASSWORD)
    # The page shows the count perturbed: one contact more, give or take the noise of two cells.
    assert abs(contacts_this_year(page, server) - (before + 1)) <= 2 * cellkey.MAX_NOISE
    # The long page is accessible (no scroll region out of keyboard reach) and navigable by
    # its table of contents.
    for width in (1280, 480):  # at 480 px the trend table scrolls sideways
        page.set_viewport_size({"width": width, "height": 800})
        results = AXE.run(page)
        assert results.violations_count == 0, results.generate_report()
    page.click(".monitor-toc a[href='#method-title']")
    expect(page).to_have_url(re.compile(r"#method-title$"))
    expect(page.locator("#method-title")).to_be_in_viewport()
    page.click("text=Jaarrapport")
    assert page.locator("svg").count() >= 2
