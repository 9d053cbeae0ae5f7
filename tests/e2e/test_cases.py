"""A case worker opens a case from a chat consent, adds a parent, shares a part with the police;
the police partner sees exactly that part and nothing else."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import staff_login
from tests.servers import Server, run_cli
from vangnet.accounts.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser
AXE = Axe()


def assert_accessible(page: Page) -> None:
    results = AXE.run(page)
    assert results.violations_count == 0, results.generate_report()


# Until the chat console has its consent button, the consent is recorded through the service
# the console will call, in the server's own database.
RECORD_CONSENT = """
import hashlib, uuid
from vangnet.accounts.models import User
from vangnet.cases.services import record_chat_consent
from vangnet.chat.models import Conversation, VisitorRole
anna = User.objects.get(username="anna")
conversation = Conversation.objects.create(
    token_hash=hashlib.sha256(uuid.uuid4().bytes).hexdigest(),
    visitor_role=VisitorRole.YOUNG_PERSON, status=Conversation.Status.ENDED, counsellor=anna)
consent = record_chat_consent(conversation=conversation, counsellor=anna,
    agreed_to="Lotte wil dat een hulpverlener haar belt over hulp en veiligheid.",
    contact_details="06-11112222 (na 16 uur)")
print(consent.pk)
"""


def test_case_from_chat_parent_and_a_share_the_police_sees_exactly(
    browser: Browser, server: Server
) -> None:
    consent_id = run_cli(server.env, "shell", "-c", RECORD_CONSENT).strip().splitlines()[-1]

    worker = browser.new_context(locale="nl-NL").new_page()
    staff_login(worker, server, "cees", DEMO_PASSWORD)
    worker.goto(f"{server.url}/staff/cases/from-chat/")
    worker.click(f"a[href$='/staff/cases/from-chat/{consent_id}/']")
    expect(worker.locator("#agreed-to")).to_contain_text("een hulpverlener haar belt")
    assert_accessible(worker)
    worker.fill("#id_name", "Lotte Bakker")
    worker.fill("#id_date_of_birth", "2010-03-14")
    worker.fill("#id_summary", "Geheim: alleen voor de hulpverlening")
    worker.click("main form button[type=submit]")
    expect(worker).to_have_url(re.compile(r"/staff/cases/VN-[A-Z0-9]{8}/$"))
    reference = worker.url.rstrip("/").rsplit("/", 1)[-1]
    expect(worker.locator("h1")).to_contain_text("Lotte Bakker")

    # A parent, with parental authority.
    worker.click("#people > details > summary")
    worker.fill("#id_person-name", "Ingrid Bakker")
    worker.select_option("#id_person-relation", "parent_carer")
    worker.check("#id_person-has_parental_authority")
    worker.click("#people > details form button[type=submit]")
    expect(worker.locator("#people .entry-list")).to_contain_text("Ingrid Bakker")
    # Checked without the flash message: its markup lives in core's base.html (role on a <ul>).
    worker.goto(f"{server.url}/staff/cases/{reference}/")
    assert_accessible(worker)

    # Share name and age plus the people around her with the police, on her consent.
    worker.goto(f"{server.url}/staff/cases/{reference}/shares/")
    assert_accessible(worker)
    worker.select_option("#id_organisation", label="Politie")
    worker.check("input[name=sections][value=identity]")
    worker.check("input[name=sections][value=people]")
    worker.fill("#id_purpose", "Aangifte voorbereiden")
    worker.select_option("#id_basis", "consent")
    worker.check("#id_client_consents")
    worker.fill("#id_valid_until", "2099-12-31")
    worker.click("main form button[type=submit]")
    expect(worker).to_have_url(re.compile(rf"/staff/cases/{reference}/#shares$"))
    expect(worker.locator("#shares")).to_contain_text("Politie")
    worker.context.close()

    police = browser.new_context(locale="nl-NL").new_page()
    staff_login(police, server, "pieter", DEMO_PASSWORD)
    police.goto(f"{server.url}/staff/partner/")
    police.click(f"text={reference}")
    record = police.locator("#shared-record")
    expect(record).to_contain_text("Lotte Bakker")
    expect(record).to_contain_text("Ingrid Bakker")
    content = police.content()
    assert "Geheim: alleen voor de hulpverlening" not in content
    assert "06-11112222" not in content  # contact details were not part of the share
    assert record.locator("section").count() == 2
    assert_accessible(police)
    police.fill("#id_text", "Ontvangen, we nemen contact op.")
    police.click("main form button[type=submit]")
    expect(police.locator(".messages")).to_be_visible()
    # The partner cannot open the case itself.
    assert police.goto(f"{server.url}/staff/cases/{reference}/").status == 403
    police.context.close()
