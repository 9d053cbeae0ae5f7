"""The public site in a real browser: axe-core on every page in both languages, 320 px wide,
no third-party request, under 150 KB, keyboard only, the self-check without JavaScript, and
quick exit by button and by Shift pressed three times."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, Request, Route, expect

from tests.guide.test_views import PUBLIC_PAGES
from tests.servers import Server

pytestmark = pytest.mark.browser
MAX_TRANSFER_BYTES = 150 * 1024
AXE = Axe()


@dataclass
class Traffic:
    host: str
    foreign: list[str] = field(default_factory=list)
    transferred: int = 0

    def route(self, route: Route) -> None:
        if urlsplit(route.request.url).netloc != self.host:
            self.foreign.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    def finished(self, request: Request) -> None:
        sizes = request.sizes()
        self.transferred += sizes["responseBodySize"] + sizes["responseHeadersSize"]


@pytest.fixture
def narrow(browser: Browser, server: Server) -> Iterator[tuple[Page, Traffic]]:
    """A 320 px wide phone-sized page that blocks and records any request to another host."""
    context = browser.new_context(locale="nl-NL", viewport={"width": 320, "height": 640})
    traffic = Traffic(host=urlsplit(server.url).netloc)
    context.route("**/*", traffic.route)
    page = context.new_page()
    page.on("requestfinished", traffic.finished)
    yield page, traffic
    context.close()


def assert_accessible_light_and_narrow(page: Page, traffic: Traffic, lang: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", lang)
    results = AXE.run(page)
    assert results.violations_count == 0, results.generate_report()
    assert traffic.foreign == []
    assert traffic.transferred < MAX_TRANSFER_BYTES, traffic.transferred
    print(f"transferred {page.url}: {traffic.transferred} bytes")
    # Nothing wider than the screen, and quick exit in sight.
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    expect(page.locator("#quick-exit")).to_be_in_viewport()
    assert page.context.cookies() == []


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("path", [*PUBLIC_PAGES, "/chat/"])
def test_public_page_passes_axe_at_320px_without_third_parties(
    narrow: tuple[Page, Traffic], server: Server, path: str, lang: str
) -> None:
    page, traffic = narrow
    prefix = "/en" if lang == "en" else ""
    page.goto(f"{server.url}{prefix}{path}")
    page.wait_for_load_state("networkidle")
    assert_accessible_light_and_narrow(page, traffic, lang)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_results_and_errors_pass_axe(narrow: tuple[Page, Traffic], server: Server, lang: str):
    page, traffic = narrow
    prefix = "/en" if lang == "en" else ""
    page.goto(f"{server.url}{prefix}/self-check/parents/")
    page.check("#id_acute_0")
    page.check("#id_theme_money_1")
    page.click("button[type=submit]")
    expect(page.locator(".call-112")).to_be_visible()
    assert_accessible_light_and_narrow(page, traffic, lang)
    page.goto(f"{server.url}{prefix}/help/?need=talk&audience=young&postcode=9712")
    expect(page.locator(".entry").first).to_be_visible()
    assert_accessible_light_and_narrow(page, traffic, lang)
    page.goto(f"{server.url}{prefix}/help/?postcode=nonsense&need=bogus")
    expect(page.locator(".errorlist")).to_be_visible()
    assert_accessible_light_and_narrow(page, traffic, lang)
    # A search by region (as the browser asks for a postcode's), and a wrong postcode told
    # by the page's script.
    page.goto(f"{server.url}{prefix}/help/?need=talk&audience=&region=GE-OV")
    expect(page.locator(".entry").first).to_be_visible()
    assert_accessible_light_and_narrow(page, traffic, lang)
    page.fill("#id_postcode", "0000")
    page.click("form.directory-search button[type=submit]")
    expect(page.locator("#id_postcode_check")).to_be_visible()
    assert_accessible_light_and_narrow(page, traffic, lang)


def test_self_check_works_without_javascript(browser: Browser, server: Server) -> None:
    context = browser.new_context(locale="nl-NL", java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{server.url}/self-check/parents/")
    # Parents are addressed with "u" throughout (docs/content-guidelines.md).
    expect(page.get_by_text("Uw antwoorden worden niet bewaard")).to_be_visible()
    page.get_by_label(
        "Mijn kind heeft een nieuwe, oudere vriend die ik niet mag ontmoeten."
    ).check()
    page.get_by_label("Mijn kind spijbelt of de cijfers dalen opeens.").check()
    page.get_by_role("button", name="Toon advies").click()
    advice = page.locator(".advice")
    expect(advice).to_contain_text("Neem dit serieus")
    expect(advice).to_contain_text("oudere vriend")  # the answers that led to it
    expect(advice).to_contain_text("0800-2000")
    assert "oudere" not in page.url  # answers never in the address or the history
    assert context.cookies() == []
    context.close()


def test_self_check_by_keyboard_alone(page: Page, server: Server) -> None:
    page.goto(f"{server.url}/en/self-check/young-people/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "quick-exit"
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "id_theme_online_0":
            break
    else:
        raise AssertionError("the check boxes cannot be reached by Tab")
    page.keyboard.press("Space")
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type") == "submit":
            break
    page.keyboard.press("Enter")
    expect(page.locator(".advice")).to_contain_text("What you ticked is serious")
    expect(page.locator(".advice")).to_contain_text("nude photos")


def _open_with_chat_token(page: Page, server: Server) -> None:
    page.add_init_script(
        "window.addEventListener('vangnet:quick-exit', () => { window.__exitSeen(); });"
    )
    page.goto(f"{server.url}/")
    page.goto(f"{server.url}/info/browse-safely/")
    page.evaluate("sessionStorage.setItem('vangnet.chat', JSON.stringify({token: 'secret'}))")


def _assert_left_and_forgotten(page: Page, server: Server, seen: list[bool]) -> None:
    page.wait_for_url("about:blank")
    assert seen == [True]  # the chat heard it and could close its socket
    # The exited page was replaced in the history: back leads to the page before it.
    page.go_back()
    assert page.url == f"{server.url}/"
    assert page.evaluate("sessionStorage.getItem('vangnet.chat')") is None


def test_quick_exit_button(page: Page, server: Server) -> None:
    seen: list[bool] = []
    page.expose_function("__exitSeen", lambda: seen.append(True))
    _open_with_chat_token(page, server)
    page.click("#quick-exit")
    _assert_left_and_forgotten(page, server, seen)


def test_quick_exit_by_pressing_shift_three_times(page: Page, server: Server) -> None:
    seen: list[bool] = []
    page.expose_function("__exitSeen", lambda: seen.append(True))
    _open_with_chat_token(page, server)
    # Typing a capital letter in between starts the count over.
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    page.keyboard.press("a")
    page.keyboard.press("Shift")
    expect(page.locator("#quick-exit")).to_be_visible()
    assert seen == []
    page.keyboard.press("Shift")
    expect(page.locator("#quick-exit-status")).to_contain_text("nog 1 keer")
    page.keyboard.press("Shift")
    _assert_left_and_forgotten(page, server, seen)


def test_quick_exit_stays_visible_when_scrolling(page: Page, server: Server) -> None:
    page.set_viewport_size({"width": 360, "height": 500})
    page.goto(f"{server.url}/info/parents-what-is-it/")
    page.mouse.wheel(0, 3000)
    page.wait_for_function("window.scrollY > 500")
    expect(page.locator("#quick-exit")).to_be_in_viewport()
