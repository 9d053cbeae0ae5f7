"""The stored content as visitors get it: every seeded page through the real renderer, and
every public page as served, checked against docs/content-guidelines.md."""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser

import pytest
from django.test import Client

from tests.guide.test_views import PUBLIC_PAGES
from vangnet.core.roles import Role
from vangnet.guide import seeding
from vangnet.guide.images_route import INFO_CARD, SAVED_REPLY
from vangnet.guide.markup import render
from vangnet.guide.models import Page

pytestmark = pytest.mark.django_db

SEEDS = {seed.slug: seed for seed in seeding.seed_pages()}
ALL_PUBLIC = [*PUBLIC_PAGES, "/chat/"]
# Written independently of the tel_links filter: 112 and the 0800/0900 service numbers.
PHONE = re.compile(r"(?<![\d-])(112|0[89]00-\d{4})(?![\d-])")
INFORMAL = re.compile(r"\b(je|jij|jou|jouw|jezelf)\b", re.IGNORECASE)
FORMAL = re.compile(r"\b(u|uw|uzelf)\b", re.IGNORECASE)


HIDDEN_NAMES = ("entry-name", "visually-hidden")


class Text(HTMLParser):
    """The visible text of a piece of HTML, with the text inside `tel:` links left out, and
    directory entries' names ("112 (alarmnummer)", whose number is the link under it)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.in_tel = 0
        self.skip = 0
        self.skipping: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a" and (dict(attrs).get("href") or "").startswith("tel:"):
            self.in_tel += 1
        if tag in ("script", "style") or dict(attrs).get("class") in HIDDEN_NAMES:
            self.skip += 1
            self.skipping.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self.in_tel:
            self.in_tel -= 1
        if self.skipping and tag == self.skipping[-1]:
            self.skip -= 1
            self.skipping.pop()

    def handle_data(self, data: str) -> None:
        if not self.in_tel and not self.skip:
            self.parts.append(data)


def text_outside_tel_links(html: str) -> str:
    parser = Text()
    parser.feed(html)
    return " ".join(parser.parts)


def unquoted(text: str) -> str:
    """Text without quotations ("Als je van me houdt…" is what an exploiter says)."""
    return re.sub(r"[\"“][^\"”]*[\"”]", " ", text)


def main_of(html: str) -> str:
    return html[html.index("<main") : html.index("</main>")]


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("slug", sorted(SEEDS))
def test_seed_page_renders_without_raw_markup(slug: str, language: str) -> None:
    html = str(render(SEEDS[slug].body[language]))
    text = text_outside_tel_links(html)
    assert "**" not in html, slug
    assert "](" not in html, slug
    # A list item never ends up inside a paragraph as " - …".
    for paragraph in re.findall(r"<p[^>]*>(.*?)</p>", html):
        assert not re.search(r"(^|\s)- \S", paragraph), paragraph
    assert not PHONE.search(text), PHONE.search(text)


def test_bold_around_a_phone_link_renders_as_bold_on_the_page(client: Client) -> None:
    """The step that showed as '**Bel Veilig Thuis: 0800-2000.**' (issue 12)."""
    for prefix, words in (("", "Bel Veilig Thuis: "), ("/en", "Call Veilig Thuis: ")):
        html = client.get(f"{prefix}/info/parents-what-to-do/").content.decode()
        assert f'<strong>{words}<a href="tel:0800-2000">0800-2000</a>.</strong>' in html
        assert "**" not in html


def test_lists_under_a_paragraph_line_are_lists_on_the_page(client: Client) -> None:
    for slug in ("browse-safely", "parents-what-is-it", "professionals-signals"):
        html = main_of(client.get(f"/info/{slug}/").content.decode())
        assert not re.search(r"<p>[^<]*\s- ", html), slug
        assert "<ul><li>" in html


@pytest.mark.parametrize("prefix", ["", "/en"])
@pytest.mark.parametrize("path", ALL_PUBLIC)
def test_every_phone_number_on_a_public_page_is_a_tel_link(
    client: Client, path: str, prefix: str
) -> None:
    html = client.get(prefix + path).content.decode()
    text = text_outside_tel_links(html)
    assert not PHONE.search(text), (path, text[max(0, text.find("112") - 80) :][:200])
    assert 'href="tel:112"' in html


def test_results_of_the_checks_link_their_numbers(client: Client) -> None:
    for path, answer in (
        ("/self-check/parents/", {"acute": "danger_now"}),
        ("/self-check/young-people/", {"acute": "in_danger"}),
    ):
        page = client.get(path).content.decode()
        name = re.search(r'name="(acute)" value="([^"]+)"', page)
        assert name is not None
        html = client.post(path, {name[1]: name[2]}).content.decode()
        assert "Ons advies" in html, answer
        assert not PHONE.search(text_outside_tel_links(html))


def test_each_dutch_seed_page_keeps_the_form_of_address_of_its_audience() -> None:
    for slug, seed in SEEDS.items():
        text = unquoted(text_outside_tel_links(str(render(seed.body["nl"]))))
        text += " " + seed.title["nl"] + " " + seed.summary["nl"]
        if seed.audience in ("parents", "professionals"):
            assert not INFORMAL.search(text), (slug, INFORMAL.search(text))
        else:  # young people and everyone
            assert not FORMAL.search(text), (slug, FORMAL.search(text))


@pytest.mark.parametrize(
    ("path", "form"),
    [
        ("/", INFORMAL),
        ("/help/", INFORMAL),
        ("/young-people/", INFORMAL),
        ("/self-check/young-people/", INFORMAL),
        ("/parents/", FORMAL),
        ("/self-check/parents/", FORMAL),
        ("/professionals/", FORMAL),
    ],
)
def test_dutch_templates_keep_one_form_of_address(client: Client, path: str, form: re.Pattern[str]):
    other = FORMAL if form is INFORMAL else INFORMAL
    text = unquoted(text_outside_tel_links(main_of(client.get(path).content.decode())))
    assert not other.search(text), (path, other.search(text))


def test_no_words_above_b1_that_issue_12_named(client: Client) -> None:
    for path in ALL_PUBLIC:
        html = client.get(path).content.decode().lower()
        assert "ingepalmd" not in html and "inpalm" not in html, path
        assert "gechanteerd" not in html, path


def test_pages_that_mention_shift_say_what_to_do_on_a_phone(client: Client) -> None:
    for prefix, shift, phone in (("", "shift", "telefoon"), ("/en", "shift", "phone")):
        for path in ALL_PUBLIC:
            main = text_outside_tel_links(main_of(client.get(prefix + path).content.decode()))
            if shift in main.lower():
                assert phone in main.lower(), path


def test_the_images_online_page_gives_the_whole_route(client: Client) -> None:
    for prefix, needles in (
        (
            "",
            [
                "Betaal niet",
                "Bewaar het bewijs",
                "Stuur geen nieuwe beelden",
                "platform",
                "Offlimits",
                "Helpwanted",
                "politie",
            ],
        ),
        (
            "/en",
            [
                "Do not pay",
                "Keep the evidence",
                "Do not send new images",
                "platform",
                "Offlimits",
                "Helpwanted",
                "police",
            ],
        ),
    ):
        html = client.get(f"{prefix}/info/images-online/").content.decode()
        for needle in needles:
            assert needle in html, needle
        assert 'href="https://www.helpwanted.nl/" rel="noreferrer"' in html
    assert Page.objects.filter(slug="images-online", published=True).exists()


def test_the_directory_has_the_services_of_the_images_route(client: Client) -> None:
    html = client.get("/help/").content.decode()
    for name in ("Offlimits", "Helpwanted", "Politie"):
        assert name in html


def test_saved_reply_and_info_card_follow_the_same_steps() -> None:
    steps = {
        "nl": ["betaal", "bewijs", "nieuwe beelden", "platform", "helpwanted", "politie"],
        "en": ["pay", "evidence", "new images", "platform", "helpwanted", "police"],
    }
    for language, words in steps.items():
        card = INFO_CARD[language]
        card_text = " ".join(card.steps).lower().replace("betalen", "betaal")
        for word in words:
            assert word in SAVED_REPLY[language].lower(), (language, word)
            assert word in card_text, (language, word)
        assert "offlimits" in SAVED_REPLY[language].lower()
        assert {"0900-8844", "112", "https://www.helpwanted.nl/"} <= {c.how for c in card.contacts}


def test_directory_public_sees_last_checked_staff_also_the_verification(
    client: Client, staff_client: Callable[..., tuple[Client, object]]
) -> None:
    public = client.get("/help/").content.decode()
    assert public.count("Gegevens laatst gecontroleerd op") >= 10
    assert "niet gecontroleerd bij de organisatie" not in public
    staff, _user = staff_client(Role.COUNSELLOR)
    seen_by_staff = staff.get("/help/").content.decode()
    assert "niet gecontroleerd bij de organisatie" in seen_by_staff


def test_opening_hours_show_when_the_chat_is_open(client: Client) -> None:
    html = client.get("/help/").content.decode()
    entry = html[html.index("Vangnet chat") :]
    entry = entry[: entry.index("</li>\n")] if "</li>\n" in entry else entry
    assert "Maandag t/m vrijdag: 09:00–22:00" in html
    assert "Zaterdag en zondag: 12:00–18:00" in html
    en = client.get("/en/help/").content.decode()
    assert "Monday to Friday: 09:00–22:00" in en


def test_the_directory_shows_the_hours_the_chat_really_keeps() -> None:
    """The seeded hours of our own chat are those of the chat's default opening hours
    (VANGNET_CHAT_OPENING_HOURS); change both together."""
    import json

    from vangnet.chat.selectors import parse_opening_hours
    from vangnet.settings import VANGNET_CHAT_OPENING_HOURS

    data = json.loads((seeding.SEED_DIR / "organisations.json").read_text(encoding="utf-8"))
    [ours] = [item for item in data["organisations"] if item["slug"] == "vangnet-chat"]
    seeded = {(day, opens, closes) for day, opens, closes in ours["hours"]}
    configured = {
        (slot.weekday, f"{slot.opens:%H:%M}", f"{slot.closes:%H:%M}")
        for slot in parse_opening_hours(VANGNET_CHAT_OPENING_HOURS)
    }
    assert seeded == configured


def test_the_chat_button_says_when_the_chat_is_open(client: Client) -> None:
    for path in ("/", "/parents/", "/young-people/"):
        html = client.get(path).content.decode()
        assert "De chat is open:<br>Maandag t/m vrijdag: 09:00–22:00" in html, path
    assert "The chat is open:<br>Monday to Friday" in client.get("/en/").content.decode()
