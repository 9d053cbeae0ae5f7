"""Labelled Dutch chat transcripts for the suggestion rules, composed from written snippets.

Writing hundreds of whole transcripts by hand was not possible in the time; instead each snippet
below was written as a realistic chat turn and labelled with what a coder would code from it.
A transcript is a random, consistent combination (one chatter role, a victim, some facts) with
counsellor turns that carry the outcome. The two pools are disjoint: DEV snippets were used to
write the word lists; HELDOUT snippets were written before the rules and never used to tune them.

    .venv/bin/python bench/data/transcripts.py  # writes suggest_dev.jsonl, suggest_heldout.jsonl
"""

from __future__ import annotations

import json
import random
from pathlib import Path

# Each snippet: (text, {question: code}); {V} is filled with the victim word for parents/friends.
POOLS: dict[str, dict[str, list[tuple[str, dict[str, str]]]]] = {
    "dev": {
        "opening_self": [
            ("hoi ik wil iets vertellen maar weet niet hoe", {}),
            ("hallo, ik heb een vraag over iets wat mij overkomt", {}),
            ("hey. ik weet niet of ik hier goed zit", {}),
        ],
        "opening_parent": [
            ("goedenavond, ik maak me zorgen over mijn {V}", {}),
            ("hallo, ik ben moeder van een {V} en ik weet niet meer wat ik moet doen", {}),
            ("ik ben vader en ik denk dat er iets mis is met mijn {V}", {}),
        ],
        "opening_friend": [
            ("hoi ik maak me zorgen om mijn beste vriendin", {}),
            ("een vriendin van mij zit in de problemen denk ik", {}),
        ],
        "opening_prof": [
            (
                "goedemiddag, ik ben mentor op een middelbare school en heb zorgen over "
                "een leerling",
                {},
            ),
            ("ik werk bij jeugdzorg en een cliënt van mij vertelde iets", {}),
        ],
        "age_self": [
            ("ik ben 15", {"victim_age_band": "15_17"}),
            ("ik ben 13 jaar", {"victim_age_band": "12_14"}),
            ("ben 16 btw", {"victim_age_band": "15_17"}),
            ("ik ben 19 nu", {"victim_age_band": "18_23"}),
            ("ik ben pas 12", {"victim_age_band": "12_14"}),
        ],
        "age_other": [
            ("ze is 14", {"victim_age_band": "12_14"}),
            ("mijn {V} is 16 jaar", {"victim_age_band": "15_17"}),
            ("{V} is net 13 geworden", {"victim_age_band": "12_14"}),
            ("ze is 17", {"victim_age_band": "15_17"}),
        ],
        "gender_self": [
            ("ik ben een meisje", {"victim_gender": "female"}),
            ("ik ben een jongen btw", {"victim_gender": "male"}),
        ],
        "sexual": [
            ("hij zegt dat ik met zijn vrienden naar bed moet", {"exploitation_forms": "sexual"}),
            ("ik moet seks hebben met mannen die hij regelt", {"exploitation_forms": "sexual"}),
            (
                "hij verkoopt me aan andere mannen",
                {"exploitation_forms": "sexual", "perpetrator_relation": "client_buyer"},
            ),
            (
                "ik moest naar een hotel en daar kwamen klanten",
                {"exploitation_forms": "sexual", "perpetrator_relation": "client_buyer"},
            ),
            (
                "hij heeft een advertentie van me online gezet voor seks",
                {"exploitation_forms": "sexual"},
            ),
        ],
        "sexual_other": [
            (
                "ik denk dat ze seks moet hebben met mannen voor geld",
                {"exploitation_forms": "sexual"},
            ),
            (
                "ze wordt naar feestjes gebracht waar oudere mannen zijn",
                {"exploitation_forms": "sexual"},
            ),
        ],
        "criminal": [
            ("ik moet drugs verkopen voor hun", {"exploitation_forms": "criminal"}),
            (
                "ze laten me pakketjes rondbrengen en ik weet dat het drugs zijn",
                {"exploitation_forms": "criminal"},
            ),
            (
                "ik moest mijn bankpas afgeven en ze halen er geld mee weg",
                {"exploitation_forms": "criminal"},
            ),
        ],
        "criminal_other": [
            (
                "hij moet drugs dealen voor een groep oudere jongens",
                {"exploitation_forms": "criminal"},
            ),
            (
                "hij heeft opeens veel geld en ik denk dat hij moet dealen",
                {"exploitation_forms": "criminal"},
            ),
        ],
        "labour": [
            (
                "ik moet elke dag werken in een nagelstudio zonder geld te krijgen",
                {"exploitation_forms": "labour"},
            ),
        ],
        "relation": [
            (
                "mijn vriend is eigenlijk een loverboy denk ik",
                {"perpetrator_relation": "partner_loverboy"},
            ),
            ("het is mijn stiefvader die dit doet", {"perpetrator_relation": "parent_stepparent"}),
            ("mijn oom dwingt me", {"perpetrator_relation": "other_family"}),
            (
                "het is een jongen die ik online heb leren kennen",
                {"perpetrator_relation": "online_contact"},
            ),
            ("het is een hele groep jongens", {"perpetrator_relation": "network_group"}),
            (
                "een vriendin van me heeft me erin geluisd",
                {"perpetrator_relation": "friend_acquaintance"},
            ),
        ],
        "relation_other": [
            (
                "ze heeft een vriendje van 24, ik denk dat hij een loverboy is",
                {"perpetrator_relation": "partner_loverboy"},
            ),
            (
                "het gaat om een groep jongens uit de buurt",
                {"perpetrator_relation": "network_group"},
            ),
            (
                "ze heeft iemand leren kennen via internet",
                {"perpetrator_relation": "online_contact"},
            ),
        ],
        "platform": [
            (
                "ik heb hem leren kennen op snapchat",
                {"recruitment_platform": "snapchat", "recruitment_channel": "social_media"},
            ),
            (
                "hij stuurde me een berichtje op insta",
                {"recruitment_platform": "instagram", "recruitment_channel": "social_media"},
            ),
            (
                "we hadden contact via tiktok",
                {"recruitment_platform": "tiktok", "recruitment_channel": "social_media"},
            ),
            (
                "ik kende hem van discord, we gamen samen",
                {"recruitment_platform": "discord", "recruitment_channel": "gaming"},
            ),
        ],
        "channel": [
            ("ik heb hem ontmoet op school", {"recruitment_channel": "school"}),
            ("ik leerde hem kennen via een vriendin", {"recruitment_channel": "via_friends"}),
            (
                "hij sprak me aan op straat bij het station",
                {"recruitment_channel": "street_public"},
            ),
            (
                "ik woon op een groep en daar kwam hij langs",
                {"recruitment_channel": "residential_care"},
            ),
        ],
        "coercion": [
            (
                "hij dreigt mijn naaktfoto's te verspreiden",
                {"coercion_means": "threat_share_images"},
            ),
            ("als ik nee zeg slaat hij me", {"coercion_means": "violence"}),
            ("hij zegt dat hij mijn familie iets aandoet", {"coercion_means": "threat_to_family"}),
            (
                "ik heb een schuld bij hem van 2000 euro die ik moet afbetalen",
                {"coercion_means": "debt_bondage"},
            ),
            ("hij geeft me steeds drugs", {"coercion_means": "drugs_alcohol"}),
            (
                "ik hou van hem en hij zegt dat hij van mij houdt",
                {"coercion_means": "emotional_dependency"},
            ),
            ("hij gaf me een nieuwe telefoon en dure kleren", {"coercion_means": "gifts_money"}),
            (
                "ik mag niet meer met mijn vrienden afspreken van hem",
                {"coercion_means": "isolation"},
            ),
        ],
        "duration": [
            ("het gaat al een paar weken zo", {"duration": "under_1_month"}),
            ("het is 3 maanden geleden begonnen", {"duration": "1_6_months"}),
            ("dit gebeurt al een half jaar", {"duration": "6_12_months"}),
            ("het is al anderhalf jaar zo", {"duration": "1_2_years"}),
            ("het gaat al 3 jaar zo", {"duration": "over_2_years"}),
        ],
        "first_contact": [
            ("ik heb het nog nooit aan iemand verteld", {"first_helper_contact": "yes"}),
            ("dit is de eerste keer dat ik het vertel", {"first_helper_contact": "yes"}),
            ("ik heb al eens met een hulpverlener gepraat", {"first_helper_contact": "no"}),
        ],
        "known": [
            ("de politie weet er al van", {"known_to_police_or_care": "yes"}),
            ("ik heb aangifte gedaan", {"known_to_police_or_care": "yes"}),
            ("ik heb een begeleider van jeugdzorg", {"known_to_police_or_care": "yes"}),
            ("niemand weet het, ook de politie niet", {"known_to_police_or_care": "no"}),
        ],
        "siblings": [
            ("mijn zusje moet het ook doen", {"siblings_exploited": "yes"}),
        ],
        "acute": [
            ("hij staat nu buiten te wachten", {"acute_danger": "yes"}),
            ("ik moet vanavond weer naar een klant", {"acute_danger": "yes"}),
        ],
        "counsellor": [
            ("wat goed dat je dit vertelt", {"outcome": "listened_supported"}),
            ("ik hoor dat je het heel moeilijk hebt", {"outcome": "listened_supported"}),
            (
                "je kunt aangifte doen bij de politie, wil je daar meer over weten?",
                {"outcome": "referred_police"},
            ),
            ("je kunt ook contact opnemen met Veilig Thuis", {"outcome": "referred_veilig_thuis"}),
            (
                "bij Fier is er specialistische hulp voor jongeren zoals jij",
                {"outcome": "referred_specialised_care"},
            ),
            (
                "misschien kun je ook met je huisarts praten",
                {"outcome": "referred_gp_or_regular_care"},
            ),
            ("bel 112 als je in direct gevaar bent", {"outcome": "emergency_112"}),
            (
                "je mag altijd terugkomen in de chat, morgen ben ik er weer",
                {"outcome": "follow_up_chat"},
            ),
            ("ik leg even uit hoe dat werkt met een melding", {"outcome": "information_advice"}),
        ],
    },
    "heldout": {
        "opening_self": [
            ("hey ik wil ff iets kwijt", {}),
            ("hallo? is hier iemand. ik zit met iets", {}),
        ],
        "opening_parent": [
            ("dag, ik ben een bezorgde ouder van een {V}", {}),
            ("hoi, onze {V} doet de laatste tijd heel vreemd", {}),
        ],
        "opening_friend": [
            ("mijn vriendin vertelde me iets heftigs en ik weet niet wat ik moet doen", {}),
        ],
        "opening_prof": [
            ("ik ben docent en een leerling uit mijn klas heeft me iets verteld", {}),
        ],
        "age_self": [
            ("k ben 14", {"victim_age_band": "12_14"}),
            ("ik ben 17 jaar oud", {"victim_age_band": "15_17"}),
            ("ben 20", {"victim_age_band": "18_23"}),
        ],
        "age_other": [
            ("mijn {V} van 15", {"victim_age_band": "15_17"}),
            ("ze is pas 12", {"victim_age_band": "12_14"}),
        ],
        "gender_self": [
            ("ik ben een meid van", {"victim_gender": "female"}),
        ],
        "sexual": [
            ("hij laat me met andere mannen slapen voor geld", {"exploitation_forms": "sexual"}),
            (
                "ik moet voor hem seks doen met klanten",
                {"exploitation_forms": "sexual", "perpetrator_relation": "client_buyer"},
            ),
        ],
        "sexual_other": [
            ("ik vermoed dat ze wordt gedwongen tot prostitutie", {"exploitation_forms": "sexual"}),
        ],
        "criminal": [
            ("ik moet voor ze dealen op school", {"exploitation_forms": "criminal"}),
            ("ze dwingen me om te stelen in winkels", {"exploitation_forms": "criminal"}),
        ],
        "criminal_other": [
            ("ik denk dat hij drugs moet vervoeren", {"exploitation_forms": "criminal"}),
        ],
        "labour": [
            ("ik moet zonder loon werken in zijn restaurant", {"exploitation_forms": "labour"}),
        ],
        "relation": [
            ("mijn vriendje zegt dat het normaal is", {"perpetrator_relation": "partner_loverboy"}),
            ("mijn vader doet dit met me", {"perpetrator_relation": "parent_stepparent"}),
            ("mijn neef regelt het allemaal", {"perpetrator_relation": "other_family"}),
        ],
        "relation_other": [
            (
                "het is haar nieuwe vriend, hij is veel ouder",
                {"perpetrator_relation": "partner_loverboy"},
            ),
        ],
        "platform": [
            (
                "hij voegde me toe op snap",
                {"recruitment_platform": "snapchat", "recruitment_channel": "social_media"},
            ),
            (
                "het begon op instagram",
                {"recruitment_platform": "instagram", "recruitment_channel": "social_media"},
            ),
            (
                "we appten op whatsapp",
                {"recruitment_platform": "whatsapp", "recruitment_channel": "messaging_app"},
            ),
        ],
        "channel": [
            ("ik ken hem van school", {"recruitment_channel": "school"}),
            ("via vrienden van mij kwam ik hem tegen", {"recruitment_channel": "via_friends"}),
        ],
        "coercion": [
            (
                "hij zegt dat hij de filmpjes naar mijn ouders stuurt",
                {"coercion_means": "threat_share_images"},
            ),
            ("hij heeft me al vaak geslagen", {"coercion_means": "violence"}),
            ("ik ben hem nog geld schuldig", {"coercion_means": "debt_bondage"}),
            ("hij kocht cadeaus voor me", {"coercion_means": "gifts_money"}),
            ("ik ben verliefd op hem", {"coercion_means": "emotional_dependency"}),
        ],
        "duration": [
            ("dit gaat al twee maanden zo", {"duration": "1_6_months"}),
            ("het begon vorige week", {"duration": "under_1_month"}),
            ("sinds 4 jaar", {"duration": "over_2_years"}),
        ],
        "first_contact": [
            ("niemand weet dit, jij bent de eerste", {"first_helper_contact": "yes"}),
            ("ik ben al bij een psycholoog geweest hiervoor", {"first_helper_contact": "no"}),
        ],
        "known": [
            ("de wijkagent weet ervan", {"known_to_police_or_care": "yes"}),
            (
                "ik heb nog geen aangifte gedaan en niemand weet het",
                {"known_to_police_or_care": "no"},
            ),
        ],
        "siblings": [
            ("mijn broertje doet ook mee voor hem", {"siblings_exploited": "yes"}),
        ],
        "acute": [
            ("ik zit nu bij hem en mag niet weg", {"acute_danger": "yes"}),
        ],
        "counsellor": [
            ("knap dat je de stap zet om te chatten", {"outcome": "listened_supported"}),
            (
                "als je wilt kun je naar de politie om aangifte te doen",
                {"outcome": "referred_police"},
            ),
            ("Veilig Thuis kan met je meedenken", {"outcome": "referred_veilig_thuis"}),
            (
                "Fier heeft hulpverleners die hier veel van weten",
                {"outcome": "referred_specialised_care"},
            ),
            ("wil je morgen weer chatten? dan ben ik er", {"outcome": "follow_up_chat"}),
            (
                "ik geef je wat informatie over wat je rechten zijn",
                {"outcome": "information_advice"},
            ),
            ("bel meteen 112", {"outcome": "emergency_112"}),
        ],
    },
}

VICTIMS = {"dochter": "female", "zoon": "male"}
FILLER = ["ok", "ja", "idk", "weet niet", "ja klopt", "hmm", "oke", "ja echt", "ff denken"]
COUNSELLOR_QUESTIONS = ["kun je daar iets meer over vertellen?", "hoe is dat voor je?"]


def _merge(codes: dict[str, object], labels: dict[str, str]) -> None:
    multi = {
        "exploitation_forms",
        "perpetrator_relation",
        "recruitment_channel",
        "recruitment_platform",
        "coercion_means",
        "outcome",
    }
    for key, code in labels.items():
        if key in multi:
            current = codes.setdefault(key, [])
            assert isinstance(current, list)
            if code not in current:
                current.append(code)
        else:
            codes[key] = code


def make(
    pool: dict[str, list[tuple[str, dict[str, str]]]], rng: random.Random, ident: str
) -> dict[str, object]:
    role = rng.choice(["victim_self"] * 5 + ["parent_carer"] * 2 + ["friend_peer", "professional"])
    codes: dict[str, object] = {"role": role}
    visitor: list[str] = []
    victim = rng.choice(list(VICTIMS))
    if role == "victim_self":
        parts = [
            "opening_self",
            "age_self",
            "gender_self",
            "sexual",
            "criminal",
            "labour",
            "relation",
            "platform",
            "channel",
            "coercion",
            "coercion",
            "duration",
            "first_contact",
            "known",
            "siblings",
            "acute",
        ]
    else:
        opening = {
            "parent_carer": "opening_parent",
            "friend_peer": "opening_friend",
            "professional": "opening_prof",
        }[role]
        parts = [
            opening,
            "age_other",
            "sexual_other",
            "criminal_other",
            "relation_other",
            "platform",
            "duration",
            "known",
        ]
        if role == "parent_carer":
            codes["victim_gender"] = VICTIMS[victim]
        if role == "friend_peer":  # every friend opening speaks of "vriendin"
            codes["victim_gender"] = "female"
    for part in parts:
        if part.startswith("opening") or rng.random() < 0.45:
            text, labels = rng.choice(pool[part])
            visitor.append(text.replace("{V}", victim))
            _merge(codes, labels)
    if any(key in codes for key in ("exploitation_forms",)):
        codes["victim_exploited"] = "yes" if role == "victim_self" else "suspected"
    codes["acute_danger"] = codes.get("acute_danger", "no")
    turns: list[dict[str, str]] = []
    counsellor = rng.sample(pool["counsellor"], k=rng.randint(1, 3))
    for index, text in enumerate(visitor):
        turns.append({"from": "visitor", "text": text})
        if rng.random() < 0.3:
            turns.append({"from": "visitor", "text": rng.choice(FILLER)})
        if index < len(counsellor):
            turns.append({"from": "counsellor", "text": counsellor[index][0]})
            _merge(codes, counsellor[index][1])
        elif rng.random() < 0.3:
            turns.append({"from": "counsellor", "text": rng.choice(COUNSELLOR_QUESTIONS)})
    return {"id": ident, "turns": turns, "codes": codes}


def main() -> None:
    here = Path(__file__).resolve().parent
    for split, count, seed in (("dev", 300, 11), ("heldout", 150, 29)):
        rng = random.Random(seed)
        rows = [make(POOLS[split], rng, f"{split}-{n}") for n in range(1, count + 1)]
        with (here / f"suggest_{split}.jsonl").open("w", encoding="utf-8") as out:
            for row in rows:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
        print(split, len(rows))


if __name__ == "__main__":
    main()
