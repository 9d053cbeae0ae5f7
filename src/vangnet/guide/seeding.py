"""The first content of the guide: pages from `seed/pages/`, the national services from
`seed/organisations.json`. Loaded once by a data migration, so `make run` always has them;
after that the organisation edits them in the admin and a reload never overwrites an edit.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SEED_DIR = Path(__file__).resolve().parent / "seed"
PAGE_DIR = SEED_DIR / "pages"


@dataclass(frozen=True)
class SeedPage:
    slug: str
    audience: str
    order: int
    title: dict[str, str]
    summary: dict[str, str]
    body: dict[str, str]


def _parse(path: Path) -> tuple[dict[str, str], str]:
    """A seed page: `key: value` header lines, a blank line, then the body in markup."""
    header_text, _, body = path.read_text(encoding="utf-8").partition("\n\n")
    header = {}
    for line in header_text.splitlines():
        key, _, value = line.partition(":")
        header[key.strip()] = value.strip()
    return header, body.strip() + "\n"


def seed_pages() -> list[SeedPage]:
    pages = []
    for nl_path in sorted(PAGE_DIR.glob("*.nl.md")):
        slug = nl_path.name.removesuffix(".nl.md")
        nl_head, nl_body = _parse(nl_path)
        en_head, en_body = _parse(PAGE_DIR / f"{slug}.en.md")
        pages.append(
            SeedPage(
                slug=slug,
                audience=nl_head.get("audience", ""),
                order=int(nl_head.get("order", "0")),
                title={"nl": nl_head["title"], "en": en_head["title"]},
                summary={"nl": nl_head["summary"], "en": en_head["summary"]},
                body={"nl": nl_body, "en": en_body},
            )
        )
    return pages


def load_pages(page_model: Any) -> int:
    created = 0
    for seed in seed_pages():
        _, made = page_model.objects.get_or_create(
            slug=seed.slug,
            defaults={
                "audience": seed.audience,
                "order": seed.order,
                "title_nl": seed.title["nl"],
                "title_en": seed.title["en"],
                "summary_nl": seed.summary["nl"],
                "summary_en": seed.summary["en"],
                "body_nl": seed.body["nl"],
                "body_en": seed.body["en"],
            },
        )
        created += made
    return created


def load_organisations(organisation_model: Any, hours_model: Any) -> int:
    data = json.loads((SEED_DIR / "organisations.json").read_text(encoding="utf-8"))
    checked_on = dt.date.fromisoformat(data["checked_on"])
    created = 0
    for item in data["organisations"]:
        if organisation_model.objects.filter(slug=item["slug"]).exists():
            continue
        audiences = set(item.get("audiences", []))
        organisation = organisation_model.objects.create(
            slug=item["slug"],
            name=item["name"],
            kind=item["kind"],
            order=item.get("order", 100),
            description_nl=item["description_nl"],
            description_en=item["description_en"],
            for_young_people="young" in audiences,
            for_parents="parents" in audiences,
            for_professionals="professionals" in audiences,
            scope=item.get("scope", "national"),
            province=item.get("province", ""),
            municipality=item.get("municipality", ""),
            phone=item.get("phone", ""),
            chat_url=item.get("chat_url", ""),
            website=item.get("website", ""),
            always_open=item.get("always_open", False),
            closed_on_public_holidays=item.get("closed_on_public_holidays", False),
            hours_note_nl=item.get("hours_note_nl", ""),
            hours_note_en=item.get("hours_note_en", ""),
            source=item["source"],
            checked_on=checked_on,
            verification=item.get("verification", "unverified"),
            verification_note=item.get("verification_note", data["verification_note"]),
        )
        for day, opens, closes in item.get("hours", []):
            hours_model.objects.create(
                organisation=organisation,
                day=day,
                opens=dt.time.fromisoformat(opens),
                closes=dt.time.fromisoformat(closes),
            )
        created += 1
    return created
