"""The public pages: they render in both languages, set no cookies and refuse bad input."""

from __future__ import annotations

import logging

import pytest
from django.test import Client

PUBLIC_PAGES = [
    "/",
    "/parents/",
    "/young-people/",
    "/professionals/",
    "/self-check/parents/",
    "/self-check/young-people/",
    "/help/",
    "/info/parents-what-is-it/",
    "/info/parents-signals/",
    "/info/parents-what-to-do/",
    "/info/parents-threats/",
    "/info/parents-self-care/",
    "/info/young-is-this-happening/",
    "/info/young-what-you-can-do/",
    "/info/professionals-signals/",
    "/info/professionals-meldcode/",
    "/info/browse-safely/",
    "/info/images-online/",
    "/privacy/",
]

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", PUBLIC_PAGES)
@pytest.mark.parametrize("prefix", ["", "/en"])
def test_public_page_renders_with_lang_and_no_cookie(
    client: Client, path: str, prefix: str
) -> None:
    response = client.get(prefix + path)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{prefix.strip("/") or "nl"}">' in html
    assert 'id="quick-exit"' in html
    assert not response.cookies


def test_dutch_and_english_content_differ(client: Client) -> None:
    nl = client.get("/info/parents-signals/").content.decode()
    en = client.get("/en/info/parents-signals/").content.decode()
    assert "Signalen: puzzelstukjes, geen bewijs" in nl
    assert "Signals: puzzle pieces, not proof" in en


def test_unpublished_page_is_not_found(client: Client) -> None:
    from vangnet.guide.models import Page

    Page.objects.filter(slug="parents-threats").update(published=False)
    assert client.get("/info/parents-threats/").status_code == 404


def test_self_check_post_gives_advice_and_sets_no_cookie(client: Client) -> None:
    response = client.post("/self-check/parents/", {"theme_relations": ["older_friend"]})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Neem dit serieus" in html
    assert "oudere vriend" in html  # the answer that led to the advice is shown
    assert "0800-2000" in html  # Veilig Thuis is among the contacts
    assert not response.cookies


def test_acute_danger_leads_to_112_in_english(client: Client) -> None:
    response = client.post(
        "/en/self-check/young-people/", {"acute": ["danger_now"], "theme_body": ["hurt"]}
    )
    html = response.content.decode()
    assert 'Call <a href="tel:112">112</a> now.' in html


def test_self_check_refuses_unknown_answer_in_visitor_language(client: Client) -> None:
    response = client.post("/self-check/parents/", {"theme_body": ["x" * 5000]})
    html = response.content.decode()
    assert "Vink alleen de vakjes op deze pagina aan" in html
    assert "xxxxx" not in html  # the bad input is not echoed
    response = client.post("/en/self-check/parents/", {"acute": ["nonsense"]})
    assert "Tick only the boxes on this page" in response.content.decode()


def test_self_check_refuses_an_oversized_post(client: Client) -> None:
    response = client.post("/self-check/parents/", {"acute": ["danger_now"] * 2000})
    assert response.status_code == 200
    assert "Vink alleen de vakjes op deze pagina aan" in response.content.decode()


def test_self_check_refuses_too_many_fields(client: Client) -> None:
    body = "&".join(f"f{i}=1" for i in range(1500))
    response = client.post(
        "/en/self-check/parents/", body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert "Tick only the boxes on this page" in response.content.decode()


def test_directory_search_by_need_and_postcode(client: Client) -> None:
    html = client.get("/help/", {"need": "talk", "audience": "young", "postcode": "9712 CP"})
    text = html.content.decode()
    assert "De Kindertelefoon" in text
    assert "Veilig Thuis" not in text.split('id="results-title"')[1]


def test_directory_refuses_bad_postcode_and_choice(client: Client) -> None:
    text = client.get("/help/", {"postcode": "0123"}).content.decode()
    assert "Vul een Nederlandse postcode in, zoals 1234 of 1234 AB." in text
    text = client.get("/en/help/", {"postcode": "12345678901"}).content.decode()
    assert "A postcode has at most 7 characters" in text
    text = client.get("/en/help/", {"need": "<script>"}).content.decode()
    assert "Choose one of the options in the list." in text
    assert "<script>" not in text.split("<main")[1].split("</main>")[0]


def test_answers_and_searches_are_never_logged(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client.post("/self-check/parents/", {"theme_money": ["debt"], "acute": ["bogus-answer"]})
    client.get("/help/", {"postcode": "9999 ZZ", "need": "bogus-need"})
    logged = caplog.text
    for secret in ("debt", "bogus-answer", "9999", "bogus-need"):
        assert secret not in logged


def test_what_happens_with_what_you_tell_us_in_both_languages(client: Client, settings) -> None:
    settings.VANGNET_RETENTION_CHAT_DAYS = 90
    nl = client.get("/privacy/").content.decode()
    en = client.get("/en/privacy/").content.decode()
    assert "Wat gebeurt er met wat je ons vertelt" in nl and "90 dagen" in nl
    assert "IP-adres" in nl and "meldcode" in nl and "112" in nl
    assert "What happens with what you tell us" in en and "90 days" in en
    # Linked from the chat's start and waiting screens.
    chat = client.get("/chat/").content.decode()
    assert 'id="privacy-link"' in chat and 'id="privacy-link-room"' in chat
    assert 'href="/privacy/"' in chat
