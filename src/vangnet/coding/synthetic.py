"""Synthetic coded contacts for the demo and the benchmark. Not real people, not real chats.

The proportions roughly follow the CKM's 2020 analysis (most help-seekers are exploited
themselves, mostly sexual exploitation, about 1 in 7 with a (step)parent among the perpetrators)
so the monitor shows plausible figures; every row is marked `source=synthetic`.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from functools import cache
from itertools import accumulate

from vangnet.coding import codebook
from vangnet.coding.models import Channel, Contact, VisitorFeedback
from vangnet.coding.months import month_index

Weighted = Sequence[tuple[str, float]]

ROLES: Weighted = (
    ("victim_self", 80),
    ("parent_carer", 9),
    ("sibling_family", 2),
    ("friend_peer", 4),
    ("professional", 3),
    ("witness_other", 1),
    ("perpetrator", 0.2),
    ("unknown", 0.8),
)
AGES: Weighted = (
    ("under_12", 4),
    ("12_14", 16),
    ("15_17", 38),
    ("18_23", 30),
    ("24_plus", 6),
    ("unknown", 6),
)
FORMS: Sequence[tuple[tuple[str, ...], float]] = (
    (("sexual",), 90),
    (("sexual", "criminal"), 4.3),
    (("criminal",), 4),
    (("labour",), 0.4),
    (("other",), 0.5),
    (("unknown",), 0.8),
)
FORM_INDEX: Weighted = tuple((str(index), weight) for index, (_f, weight) in enumerate(FORMS))
PERPETRATORS: Weighted = (
    ("parent_stepparent", 14),
    ("other_family", 5),
    ("partner_loverboy", 28),
    ("friend_acquaintance", 14),
    ("online_contact", 18),
    ("network_group", 8),
    ("client_buyer", 4),
    ("unknown", 9),
)
RECRUITMENT: Weighted = (
    ("social_media", 38),
    ("messaging_app", 8),
    ("dating_app", 3),
    ("gaming", 3),
    ("school", 6),
    ("street_public", 5),
    ("via_friends", 12),
    ("via_family", 6),
    ("residential_care", 3),
    ("other", 2),
    ("unknown", 24),
)
PLATFORMS: Weighted = (
    ("snapchat", 35),
    ("instagram", 25),
    ("tiktok", 15),
    ("whatsapp", 10),
    ("telegram", 4),
    ("discord", 3),
    ("other", 3),
    ("unknown", 5),
)
COERCION: Weighted = (
    ("threat_share_images", 25),
    ("violence", 12),
    ("threat_to_family", 8),
    ("debt_bondage", 5),
    ("drugs_alcohol", 6),
    ("emotional_dependency", 25),
    ("gifts_money", 8),
    ("isolation", 4),
    ("other", 2),
    ("unknown", 15),
)
DURATIONS: Weighted = (
    ("under_1_month", 12),
    ("1_6_months", 25),
    ("6_12_months", 20),
    ("1_2_years", 15),
    ("over_2_years", 10),
    ("unknown", 18),
)
OUTCOMES: Weighted = (
    ("listened_supported", 60),
    ("information_advice", 45),
    ("referred_police", 6),
    ("referred_veilig_thuis", 5),
    ("referred_specialised_care", 15),
    ("referred_gp_or_regular_care", 5),
    ("emergency_112", 0.5),
    ("follow_up_chat", 12),
    ("case_opened", 3),
)
CHANNELS: Weighted = ((Channel.CHAT, 85), (Channel.PHONE, 10), (Channel.EMAIL, 5))


@cache
def _table(options: Weighted) -> tuple[list[str], list[float]]:
    return [o for o, _w in options], list(accumulate(w for _o, w in options))


def _pick(rng: random.Random, options: Weighted) -> str:
    population, cumulative = _table(options)
    return rng.choices(population, cum_weights=cumulative)[0]


def _some(rng: random.Random, options: Weighted, extra: float = 0.25) -> frozenset[str]:
    """One answer, sometimes a second one; `unknown` stays alone."""
    first = _pick(rng, options)
    chosen = {first}
    if first != codebook.UNKNOWN and rng.random() < extra:
        second = _pick(rng, options)
        if second != codebook.UNKNOWN:
            chosen.add(second)
    return frozenset(chosen)


def answers(rng: random.Random) -> codebook.Answers:
    role = _pick(rng, ROLES)
    exploited = _pick(
        rng,
        (("yes", 78), ("suspected", 13), ("no", 6), ("unknown", 3))
        if role == "victim_self"
        else (("yes", 40), ("suspected", 35), ("no", 15), ("unknown", 10)),
    )
    victim = exploited in ("yes", "suspected")
    if not victim:
        return {
            "role": role,
            "victim_exploited": exploited,
            "outcome": _some(rng, OUTCOMES[:2]),
        }
    forms = FORMS[int(_pick(rng, FORM_INDEX))][0]
    perpetrators = _some(rng, PERPETRATORS, extra=0.15)
    recruitment = _some(rng, RECRUITMENT, extra=0.2)
    online = bool(recruitment & {"social_media", "messaging_app", "dating_app", "gaming"})
    parent = "parent_stepparent" in perpetrators
    return {
        "role": role,
        "first_helper_contact": _pick(rng, (("yes", 62), ("no", 28), ("unknown", 10))),
        "acute_danger": _pick(rng, (("yes", 4), ("no", 80), ("unknown", 16))),
        "victim_exploited": exploited,
        "victim_age_band": _pick(rng, AGES),
        "victim_gender": _pick(
            rng, (("female", 86), ("male", 10), ("nonbinary_other", 1), ("unknown", 3))
        ),
        "exploitation_forms": frozenset(forms),
        "perpetrator_relation": perpetrators,
        "recruitment_channel": recruitment,
        "recruitment_platform": _some(rng, PLATFORMS, 0.3)
        if online
        else frozenset({codebook.UNKNOWN}),
        "coercion_means": _some(rng, COERCION, extra=0.35),
        "duration": _pick(rng, (("over_2_years", 55), ("1_2_years", 20), ("unknown", 25)))
        if parent
        else _pick(rng, DURATIONS),
        "siblings_exploited": _pick(rng, (("yes", 3), ("no", 40), ("unknown", 57))),
        "known_to_police_or_care": _pick(rng, (("yes", 30), ("no", 45), ("unknown", 25))),
        "outcome": _some(rng, OUTCOMES, extra=0.6),
    }


def contacts(
    count: int, *, first_day: date, last_day: date, seed: int = 2026, batch: str = "synthetic"
) -> Iterator[Contact]:
    """Unsaved synthetic contacts spread over the days given, a little more each year."""
    rng = random.Random(seed)
    book = codebook.current()
    defaults: codebook.Answers = {
        q.key: frozenset({codebook.UNKNOWN}) if q.is_multi else codebook.UNKNOWN
        for q in book.questions
    }
    span = (last_day - first_day).days
    for _number in range(count):
        # A power below 1 skews towards later days: the helpline grows over the years.
        day = first_day + timedelta(days=int(span * rng.random() ** 0.8))
        cleaned = {**defaults, **answers(rng)}  # valid by construction; tests check this
        yield Contact(
            channel=_pick(rng, CHANNELS),
            contact_date=day,
            month=month_index(day),
            codebook_version=book.version,
            source=Contact.Source.SYNTHETIC,
            import_batch=batch,
            **book.to_columns(cleaned),
        )


# The survey after a chat: about a third of chatters answer. A victim's own "first time"
# mostly agrees with what the counsellor coded, so the visitors' side gives the CKM's 65 %
# too: 0.62 x 0.9 + 0.28 x 0.1 + 0.10 x 0.64 = 0.65.
FEEDBACK_SHARE = 0.35
FIRST_TIME_YES_GIVEN_CODED = {"yes": 0.9, "no": 0.1, codebook.UNKNOWN: 0.64}


def feedback(chats: Sequence[Contact], *, seed: int = 2026) -> Iterator[VisitorFeedback]:
    """Unsaved synthetic survey answers for some of these (saved) chat contacts."""
    rng = random.Random(seed)
    for contact in chats:
        if rng.random() >= FEEDBACK_SHARE:
            continue
        coded = contact.first_helper_contact
        yes = FIRST_TIME_YES_GIVEN_CODED.get(coded, FIRST_TIME_YES_GIVEN_CODED[codebook.UNKNOWN])
        first_time = ("yes" if rng.random() < yes else "no") if rng.random() < 0.92 else ""
        yield VisitorFeedback(
            contact=contact,
            month=contact.month,
            synthetic=True,
            helped=_pick(rng, (("yes", 70), ("somewhat", 22), ("no", 5), ("", 3))),
            first_time=first_time,
            come_back=_pick(rng, (("yes", 72), ("maybe", 20), ("no", 4), ("", 4))),
        )
