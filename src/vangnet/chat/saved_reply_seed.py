"""The saved replies a new installation starts with; a supervisor edits them from there.

Seeded by a data migration and by the demo data (`seed_saved_replies`), each under a stable key
so seeding twice adds nothing and never overwrites what a supervisor changed.
"""

from __future__ import annotations

from dataclasses import dataclass

from vangnet.guide import images_route


@dataclass(frozen=True)
class Seed:
    key: str
    title_nl: str
    title_en: str
    text_nl: str
    text_en: str


SEEDS: tuple[Seed, ...] = (
    Seed(
        "greeting",
        "Begroeting",
        "Greeting",
        "Hoi, fijn dat je er bent. Ik ben hulpverlener bij de chat. Je hoeft je naam niet te "
        "zeggen en je mag altijd stoppen. Wat wil je vertellen?",
        "Hi, good that you are here. I am a counsellor in this chat. You do not have to give "
        "your name and you can stop at any moment. What would you like to tell me?",
    ),
    Seed(
        "still-here",
        "Ik ben er nog",
        "I am still here",
        "Ik ben er nog. Ik lees even goed wat je schreef en reageer zo.",
        "I am still here. I am reading what you wrote carefully and will reply in a moment.",
    ),
    Seed(
        "safety",
        "Veiligheid",
        "Safety",
        "Je veiligheid gaat voor. Ben je nu op een plek waar je veilig bent? Als iemand "
        "meekijkt of je moet snel weg: druk op 'Snel weg'. De chat is dan dicht.",
        "Your safety comes first. Are you somewhere safe right now? If someone is watching or "
        "you have to leave quickly: press 'Quick exit'. The chat then closes.",
    ),
    Seed(
        "veilig-thuis",
        "Veilig Thuis 0800-2000",
        "Veilig Thuis 0800-2000",
        "Veilig Thuis helpt bij geweld of misbruik thuis of door iemand die je kent. Bel gratis "
        "0800-2000, dag en nacht. Je mag ook anoniem bellen.",
        "Veilig Thuis helps with violence or abuse at home or by someone you know. Call "
        "0800-2000 for free, day and night. You may call anonymously.",
    ),
    Seed(
        "police",
        "Politie 0900-8844",
        "Police 0900-8844",
        "Je kunt een melding of aangifte doen bij de politie: bel 0900-8844. Ben je in direct "
        "gevaar? Bel dan 112.",
        "You can report it to the police: call 0900-8844. Are you in immediate danger? Then "
        "call 112.",
    ),
    Seed(
        "emergency-112",
        "Nu in gevaar: 112",
        "In danger now: 112",
        "Ben je nu in gevaar? Bel meteen 112. Dat is gratis, ook zonder beltegoed. Je kunt deze "
        "chat open laten.",
        "Are you in danger right now? Call 112 at once. It is free, also without credit. You "
        "can keep this chat open.",
    ),
    Seed(
        images_route.SAVED_REPLY_KEY,
        images_route.SAVED_REPLY_TITLE["nl"],
        images_route.SAVED_REPLY_TITLE["en"],
        images_route.saved_reply("nl"),
        images_route.saved_reply("en"),
    ),
)
