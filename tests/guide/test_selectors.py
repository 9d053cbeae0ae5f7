"""Directory search by need, audience and region; seeded data carries source and check date."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError

from vangnet.guide.hours import Status
from vangnet.guide.models import OpeningHours, Organisation
from vangnet.guide.regions import Province, provinces_for_postcode
from vangnet.guide.selectors import Need, directory_entries, published_page, search_directory

pytestmark = pytest.mark.django_db
AT = dt.datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))  # a Monday


def regional(slug: str, province: str, **kwargs: object) -> Organisation:
    values: dict[str, object] = {
        "slug": slug,
        "name": slug.title(),
        "kind": Organisation.Kind.SPECIALISED_CARE,
        "description_nl": "Regionale hulp",
        "description_en": "Regional help",
        "for_parents": True,
        "scope": Organisation.Scope.PROVINCE,
        "province": province,
        "source": "test",
        "checked_on": dt.date(2026, 11, 1),
    }
    values.update(kwargs)
    return Organisation.objects.create(**values)


def slugs(result: object) -> list[str]:
    return [e.organisation.slug for e in result.entries]  # type: ignore[attr-defined]


def test_seeded_national_services_have_source_and_check_date() -> None:
    seeded = {o.slug: o for o in Organisation.objects.all()}
    for slug in (
        "112",
        "politie",
        "meld-misdaad-anoniem",
        "veilig-thuis",
        "kindertelefoon",
        "centrum-seksueel-geweld",
        "slachtofferhulp",
        "vangnet-chat",
    ):
        assert slug in seeded
        assert seeded[slug].source and seeded[slug].checked_on
    assert seeded["veilig-thuis"].phone == "0800-2000"
    assert seeded["politie"].phone == "0900-8844"
    assert seeded["veilig-thuis"].verification == Organisation.Verification.UNVERIFIED


def test_search_by_need() -> None:
    found = slugs(search_directory(need=Need.REPORT, at=AT, language="nl"))
    assert "politie" in found and "veilig-thuis" in found
    assert "kindertelefoon" not in found
    assert slugs(search_directory(need=Need.DANGER, at=AT, language="nl"))[0] == "112"


def test_search_by_audience() -> None:
    found = slugs(search_directory(audience="professionals", at=AT, language="nl"))
    assert "comensha" in found and "kindertelefoon" not in found


def test_regional_services_only_in_their_province() -> None:
    regional("zorg-groningen", Province.GRONINGEN)
    regional("zorg-limburg", Province.LIMBURG)
    result = search_directory(provinces=provinces_for_postcode("9712"), at=AT, language="nl")
    assert "zorg-groningen" in slugs(result) and "zorg-limburg" not in slugs(result)
    assert result.regional_count == 1
    assert "veilig-thuis" in slugs(result)  # national services help everywhere
    assert "zorg-groningen" not in slugs(search_directory(at=AT, language="nl"))


def test_inactive_services_are_hidden() -> None:
    Organisation.objects.filter(slug="politie").update(active=False)
    assert "politie" not in slugs(search_directory(at=AT, language="nl"))


def test_open_now_status_in_results() -> None:
    entries = {
        e.organisation.slug: e
        for e in directory_entries(slugs=["112", "kindertelefoon", "fier"], at=AT, language="en")
    }
    assert entries["112"].status == Status.ALWAYS
    assert entries["kindertelefoon"].status == Status.CLOSED  # opens at 11:00
    assert entries["fier"].status == Status.UNKNOWN
    assert entries["kindertelefoon"].description.startswith("For children")


def test_slachtofferhulp_is_closed_on_a_public_holiday() -> None:
    whit_monday = dt.datetime(2026, 5, 25, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
    [entry] = directory_entries(slugs=["slachtofferhulp"], at=whit_monday, language="nl")
    assert entry.status == Status.CLOSED
    [entry] = directory_entries(slugs=["slachtofferhulp"], at=AT, language="nl")
    assert entry.status == Status.OPEN


def test_directory_search_query_count(django_assert_num_queries: object) -> None:
    org = regional("zorg-utrecht", Province.UTRECHT)
    OpeningHours.objects.create(organisation=org, day=0, opens=dt.time(9), closes=dt.time(17))
    with django_assert_num_queries(2):  # type: ignore[operator]
        search_directory(provinces=["UT"], at=AT, language="nl")


def test_own_chat_link_follows_the_language() -> None:
    [entry] = directory_entries(slugs=["vangnet-chat"], at=AT, language="en")
    assert entry.chat_url == "/en/chat/"


def test_a_provincial_service_needs_its_province() -> None:
    with pytest.raises(IntegrityError):
        regional("nowhere", "")


def test_page_body_is_rendered_with_links_in_the_language() -> None:
    page = published_page(slug="parents-signals", language="en")
    assert page is not None
    assert 'href="/en/self-check/parents/"' in page.body
