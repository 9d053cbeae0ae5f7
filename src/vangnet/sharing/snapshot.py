"""The snapshot's one output filter: the perpetrator rule applied to every frozen copy.

Shares and copies given to people around the client (cases' disclosures) are frozen when they
are made and may be read long after; a person flagged since then must not gain from them. The
stored form carries each person's id under "person_id"; `filter_output` drops flagged people's
entries where they would gain (emergency contacts), shows today's flag where partners may learn
it (people), and removes the ids before anyone sees the data.
"""

from __future__ import annotations

import json
from typing import Any


def flagged_ids(case: Any) -> set[int]:
    """The people of this case flagged as (suspected) perpetrator, today."""
    return set(case.people.filter(is_suspected_perpetrator=True).values_list("pk", flat=True))


def freeze(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False)


def filter_output(case: Any, data: dict[str, Any]) -> dict[str, Any]:
    """The one filter for every snapshot and export: drop flagged people where they'd gain."""
    flagged = flagged_ids(case)
    clean = dict(data)
    safety = clean.get("safety")
    if isinstance(safety, dict):
        contacts = [
            {k: v for k, v in c.items() if k != "person_id"}
            for c in safety.get("emergency_contacts", [])
            if c.get("person_id") not in flagged
        ]
        clean["safety"] = {**safety, "emergency_contacts": contacts}
    people = clean.get("people")
    if isinstance(people, list):
        # Partners may learn who is suspected; the flag shown is always today's.
        clean["people"] = [
            {
                **{k: v for k, v in p.items() if k != "person_id"},
                "suspected_perpetrator": (
                    p["person_id"] in flagged
                    if "person_id" in p
                    else bool(p.get("suspected_perpetrator"))
                ),
            }
            for p in people
        ]
    return clean


def read(share: Any) -> dict[str, Any]:
    """A share's snapshot as its partner may see it today."""
    return filter_output(share.case, json.loads(share.snapshot))
