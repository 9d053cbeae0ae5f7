"""The first content of the guide: pages from `seed/pages/`, the national services from
`seed/organisations.json`. Loaded once by a data migration, so `make run` always has them;
after that the organisation edits them in the admin and a reload never overwrites an edit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
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


def load_page(page_model: Any, seed: SeedPage) -> bool:
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
    return bool(made)


def load_pages(page_model: Any) -> int:
    return sum(load_page(page_model, seed) for seed in seed_pages())


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


def fingerprint(*fields: str) -> str:
    """A page's seeded texts in one hash: title, summary and body, Dutch then English."""
    return hashlib.sha256("\0".join(fields).encode()).hexdigest()


def _page_fingerprint(page: Any) -> str:
    return fingerprint(
        page.title_nl, page.title_en, page.summary_nl, page.summary_en, page.body_nl, page.body_en
    )


def refresh_pages(page_model: Any, earlier_seed: Mapping[str, str]) -> int:
    """Bring pages up to the current seed files where nobody edited them since an earlier seed
    (`earlier_seed`: slug -> fingerprint of that seed), and create pages new in the seed.
    A page edited in the admin no longer matches its fingerprint and is left alone."""
    changed = 0
    for seed in seed_pages():
        page = page_model.objects.filter(slug=seed.slug).first()
        if page is None:
            changed += load_page(page_model, seed)
            continue
        if earlier_seed.get(seed.slug) != _page_fingerprint(page):
            continue
        for language in ("nl", "en"):
            setattr(page, f"title_{language}", seed.title[language])
            setattr(page, f"summary_{language}", seed.summary[language])
            setattr(page, f"body_{language}", seed.body[language])
        page.save()
        changed += 1
    return changed


def refresh_organisations(
    organisation_model: Any, earlier_seed: Mapping[str, Mapping[str, str]]
) -> int:
    """New seed values for services nobody edited since an earlier seed: `earlier_seed` maps a
    slug to the fields that changed and their earlier values; they are replaced together, only
    if all of them still hold their earlier value."""
    data = json.loads((SEED_DIR / "organisations.json").read_text(encoding="utf-8"))
    changed = 0
    for item in data["organisations"]:
        earlier = earlier_seed.get(item["slug"])
        if earlier is None:
            continue
        changed += organisation_model.objects.filter(slug=item["slug"], **earlier).update(
            **{name: item.get(name, "") for name in earlier}
        )
    return changed
