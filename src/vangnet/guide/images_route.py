"""The route to get images removed, for the counsellor: a saved reply and an info card.

The same steps as the public page `seed/pages/images-online.*.md`, written for the console to
show (the console and its saved replies belong to the chat app; this is the content it shows).
A saved reply is text a counsellor inserts and may edit before sending, so it is plain text; the
info card is what the counsellor reads while chatting. When a counsellor offers this route, the
contact is coded `outcome: images_removal_route` (codebook 2026.3).
"""

from __future__ import annotations

from dataclasses import dataclass

PAGE_SLUG = "images-online"
OUTCOME_CODE = "images_removal_route"
SAVED_REPLY_KEY = "images-online"


@dataclass(frozen=True)
class Contact:
    name: str
    how: str  # a phone number or a web address, as the visitor can use it
    note: str


@dataclass(frozen=True)
class InfoCard:
    title: str
    steps: tuple[str, ...]
    contacts: tuple[Contact, ...]
    remember: str  # what the counsellor keeps in mind besides the steps


SAVED_REPLY_TITLE = {
    "nl": "Beelden online of dreiging met beelden",
    "en": "Images online or threatened",
}

SAVED_REPLY = {
    "nl": (
        "Wat vervelend dat dit gebeurt. Het is niet jouw schuld, ook niet als je de beelden zelf "
        "hebt gestuurd. Dit kun je doen:\n"
        "1. Betaal niet. Betalen stopt het bijna nooit.\n"
        "2. Stuur geen nieuwe beelden.\n"
        "3. Bewaar het bewijs: maak screenshots van de berichten, het profiel en de accountnaam, "
        "met datum en tijd. Stuur de beelden zelf nooit door.\n"
        "4. Reageer niet meer. Blokkeer pas als je het bewijs hebt.\n"
        "5. Meld het bij het platform (Instagram, Snapchat, TikTok …): kies dat het om "
        "naaktbeelden gaat.\n"
        "6. Helpwanted (van Offlimits) helpt je gratis en anoniem om beelden offline te krijgen: "
        "www.helpwanted.nl\n"
        "7. Doe een melding of aangifte bij de politie: 0900-8844. Ben je in gevaar? Bel 112.\n"
        "Alles staat ook op onze site, op de pagina 'Naaktbeelden online, of iemand dreigt ermee'. "
        "Wil je dat we samen naar een stap kijken?"
    ),
    "en": (
        "I am sorry this is happening. It is not your fault, also if you sent the images "
        "yourself. This is what you can do:\n"
        "1. Do not pay. Paying almost never stops it.\n"
        "2. Do not send new images.\n"
        "3. Keep the evidence: take screenshots of the messages, the profile and the account "
        "name, with the date and time. Never forward the images themselves.\n"
        "4. Stop replying. Block only once you have the evidence.\n"
        "5. Report it to the platform (Instagram, Snapchat, TikTok …): choose that it is about "
        "nude images.\n"
        "6. Helpwanted (part of Offlimits) helps you for free and anonymously to get images "
        "taken offline: www.helpwanted.nl\n"
        "7. Report it to the police: 0900-8844. In danger? Call 112.\n"
        "Everything is also on our site, on the page 'Nude images online, or someone threatens "
        "to share them'. Shall we look at one of the steps together?"
    ),
}

INFO_CARD = {
    "nl": InfoCard(
        title="Route: beelden offline halen",
        steps=(
            "Niet betalen: het stopt bijna nooit, vaak volgt een nieuwe eis.",
            "Geen nieuwe beelden sturen.",
            "Bewijs bewaren: screenshots van berichten, profiel, accountnaam, datum en tijd; "
            "de link naar de beelden opschrijven. Beelden zelf nooit doorsturen.",
            "Contact stoppen; pas blokkeren als het bewijs bewaard is.",
            "Melden bij het platform (meldknop, kies naaktbeelden / minderjarige).",
            "Helpwanted (Offlimits): gratis, anoniem, helpt beelden offline te krijgen.",
            "Politie: melding of aangifte via 0900-8844; bij direct gevaar 112.",
        ),
        contacts=(
            Contact(
                "Helpwanted (Offlimits)", "https://www.helpwanted.nl/", "hulp voor slachtoffers"
            ),
            Contact("Offlimits", "https://www.offlimits.nl/", "expertisecentrum online misbruik"),
            Contact("Politie", "0900-8844", "melding of aangifte"),
            Contact("112", "112", "direct gevaar"),
            Contact("De Kindertelefoon", "0800-0432", "jongeren, gratis en anoniem"),
        ),
        remember=(
            "Zeg dat het niet de schuld van de bezoeker is. Vraag nooit om de beelden: de chat is "
            "alleen tekst. Codeer na afloop 'Route om beelden offline te halen aangeboden'."
        ),
    ),
    "en": InfoCard(
        title="Route: getting images removed",
        steps=(
            "Do not pay: it almost never stops, a new demand often follows.",
            "Do not send new images.",
            "Keep the evidence: screenshots of messages, profile, account name, date and time; "
            "write down the link to the images. Never forward the images themselves.",
            "Stop the contact; block only once the evidence is kept.",
            "Report to the platform (report button, choose nude images / minor).",
            "Helpwanted (Offlimits): free, anonymous, helps get images taken offline.",
            "Police: report via 0900-8844; in immediate danger 112.",
        ),
        contacts=(
            Contact("Helpwanted (Offlimits)", "https://www.helpwanted.nl/", "help for victims"),
            Contact("Offlimits", "https://www.offlimits.nl/", "expertise centre online abuse"),
            Contact("Police", "0900-8844", "report a crime"),
            Contact("112", "112", "immediate danger"),
            Contact("De Kindertelefoon", "0800-0432", "young people, free and anonymous"),
        ),
        remember=(
            "Say it is not the visitor's fault. Never ask for the images: the chat is text only. "
            "Afterwards, code 'Route to get images removed offered'."
        ),
    ),
}


def saved_reply(language: str) -> str:
    return SAVED_REPLY["en" if language == "en" else "nl"]


def info_card(language: str) -> InfoCard:
    return INFO_CARD["en" if language == "en" else "nl"]
