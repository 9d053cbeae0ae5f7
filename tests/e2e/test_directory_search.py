"""A directory search by postcode in a real browser: the browser maps the postcode to its
region and asks for the canonical region address; no request carries the postcode (the
results page shows it from the tab's own storage). Without
JavaScript the form sends the postcode and the server answers with the same organisations."""

from __future__ import annotations

import re
import urllib.request
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, Request, expect

from tests.servers import Server, run_cli

pytestmark = pytest.mark.browser
POSTCODE = "8011 AB"  # Zwolle: an area on the border of Overijssel and Gelderland


# Two regional helplines for parents (the seed has national organisations only). Searches for
# parents and a need to talk are made in these tests alone, so no shared page made before
# these were added is in the server's cache.
REGIONAL = """
import datetime
from vangnet.guide.models import Organisation
for province, name in (("OV", "Hulplijn Overijssel (test)"), ("UT", "Hulplijn Utrecht (test)")):
    Organisation.objects.update_or_create(
        slug=f"test-hulplijn-{province.lower()}",
        defaults=dict(
            name=name, kind="helpline", description_nl="Test", description_en="Test",
            for_parents=True, scope="province", province=province, phone="0800 0000",
            checked_on=datetime.date(2026, 12, 1),
        ),
    )
"""


@pytest.fixture(scope="module")
def regional(server: Server) -> None:
    run_cli(server.env, "shell", "-c", REGIONAL)


class Requests:
    """Everything the page asked for: address and body."""

    def __init__(self, page: Page) -> None:
        self.seen: list[str] = []
        page.on("request", self.record)

    def record(self, request: Request) -> None:
        self.seen.append(f"{request.method} {request.url} {request.post_data or ''}")

    def carrying(self, *needles: str) -> list[str]:
        return [seen for seen in self.seen if any(needle in seen for needle in needles)]


@pytest.fixture
def watched(page: Page, regional: None) -> Iterator[tuple[Page, Requests]]:
    yield page, Requests(page)


def entry_names(page: Page) -> list[str]:
    return page.locator(".entry-name").all_inner_texts()


def search(page: Page, *, postcode: str, province: str = "") -> None:
    """Fill in the directory form (a need to talk, for parents) and send it."""
    page.select_option("#id_need", "talk")
    page.select_option("#id_audience", "parents")
    if province:
        page.select_option("#id_province", province)
    page.fill("#id_postcode", postcode)
    page.click("form.directory-search button[type=submit]")


def server_entry_names(server: Server, query: str) -> list[str]:
    """The organisations the server answers a search without JavaScript with."""
    with urllib.request.urlopen(f"{server.url}/help/?{query}", timeout=10) as answer:  # noqa: S310
        html = answer.read().decode()
    return [name.strip() for name in re.findall(r'<h3 class="entry-name">([^<]*)</h3>', html)]


def test_a_postcode_search_asks_for_its_region_and_the_postcode_stays_in_the_browser(
    watched: tuple[Page, Requests], server: Server
) -> None:
    page, requests = watched
    page.goto(f"{server.url}/help/")
    search(page, postcode=POSTCODE)
    page.wait_for_url(re.compile(r"region="))
    assert urlsplit(page.url).query == "need=talk&audience=parents&region=GE-OV"
    expect(page.get_by_text("Regionale organisaties voor: Gelderland, Overijssel.")).to_be_visible()
    names = entry_names(page)
    assert "Hulplijn Overijssel (test)" in names and "Hulplijn Utrecht (test)" not in names
    assert names == server_entry_names(server, "need=talk&audience=parents&postcode=8011AB")
    assert any("postcode-regions.json" in seen for seen in requests.seen)  # the table was used
    # The visitor sees the postcode they typed (from this tab's storage) and can refine the
    # search in the same region, or clear the postcode for national organisations only.
    expect(page.locator("#id_postcode")).to_have_value(POSTCODE)
    page.select_option("#id_need", "advice")
    page.click("form.directory-search button[type=submit]")
    page.wait_for_url(re.compile(r"need=advice"))
    assert urlsplit(page.url).query == "need=advice&audience=parents&region=GE-OV"
    expect(page.locator("#id_postcode")).to_have_value(POSTCODE)
    page.fill("#id_postcode", "")
    page.click("form.directory-search button[type=submit]")
    page.wait_for_url(re.compile(r"audience=parents$"))
    assert urlsplit(page.url).query == "need=advice&audience=parents"
    expect(page.locator("#id_postcode")).to_have_value("")
    assert page.evaluate("window.sessionStorage.length") == 0
    assert requests.carrying("8011", "postcode=") == []


def test_a_wrong_postcode_is_told_in_the_page_and_not_sent(
    watched: tuple[Page, Requests], server: Server
) -> None:
    page, requests = watched
    page.goto(f"{server.url}/en/help/")
    page.fill("#id_postcode", "0123 QQ")
    page.click("form.directory-search button[type=submit]")
    message = page.locator("#id_postcode_check")
    expect(message).to_be_visible()
    expect(message).to_have_text("Enter a Dutch postcode, like 1234 or 1234 AB.")
    expect(page.locator("#id_postcode")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_postcode")).to_be_focused()
    assert urlsplit(page.url).query == ""
    # Corrected, the search goes on, to the region of the corrected postcode.
    page.fill("#id_postcode", "9712")
    page.click("form.directory-search button[type=submit]")
    page.wait_for_url(re.compile(r"region=GR"))
    assert requests.carrying("0123", "9712", "postcode=") == []


def test_a_chosen_province_wins_and_the_postcode_is_not_sent(
    watched: tuple[Page, Requests], server: Server
) -> None:
    page, requests = watched
    page.goto(f"{server.url}/help/")
    search(page, postcode=POSTCODE, province="UT")
    page.wait_for_url(re.compile(r"province="))
    assert urlsplit(page.url).query == "need=talk&audience=parents&province=UT"
    expect(page.locator("#id_province")).to_have_value("UT")
    names = entry_names(page)
    assert "Hulplijn Utrecht (test)" in names and "Hulplijn Overijssel (test)" not in names
    assert requests.carrying("8011", "postcode=") == []


def test_without_javascript_the_postcode_is_sent_and_answered_alike(
    browser: Browser, server: Server, regional: None
) -> None:
    context = browser.new_context(locale="nl-NL", java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{server.url}/help/")
    search(page, postcode=POSTCODE)
    page.wait_for_url(re.compile(r"postcode="))
    assert "postcode=8011+AB" in page.url
    expect(page.locator("#id_postcode")).to_have_value(POSTCODE)
    names = entry_names(page)
    assert "Hulplijn Overijssel (test)" in names
    assert names == server_entry_names(server, "need=talk&audience=parents&region=GE-OV")
    context.close()
