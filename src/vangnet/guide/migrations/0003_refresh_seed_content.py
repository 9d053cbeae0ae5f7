"""The second seed (issue 12): one form of address per audience, plainer words, phone numbers as
links, the page on images online and Offlimits in the directory.

Pages and descriptions still exactly as the first seed left them are brought up to the current
seed files; anything an administrator edited is left alone. New pages and services are added.
"""

from typing import Any

from django.db import migrations

from vangnet.guide import seeding

# slug -> seeding.fingerprint() of the pages as migration 0002 first loaded them.
FIRST_SEED_PAGES = {
    "browse-safely": "1c3a963fcdaa9469e932cf287f2ac2a020bd38ca492cff02154b6677fe66112e",
    "parents-self-care": "e90095ab47747de1eea8a8ceb2ec8587c85d11536afd3c7494352adb9f317ffd",
    "parents-signals": "37daa41df768fc924e29d56c6b59194c45709dbb4343ca3f73a3c808011fef66",
    "parents-threats": "eac189aaa5abd1445c3c3ed18e0bd677bf92163541bb683eb68f645195d61fd7",
    "parents-what-is-it": "40fc8bf26811756f1f5746e917842179e4a6e398e9a512d4fb2caea4e5d2c8d4",
    "parents-what-to-do": "da528536f6257e0022518bee8a22c0e8306573da927b4c1670d78550527fc4ce",
    "professionals-meldcode": "c3bad71f9e0da2fa8e898ae6882a7160cbf34ae3f78c765bbe30a011094d4a1b",
    "professionals-signals": "ee55107597cdbb83ae39121f378873886b4808acf8364a5560c67daefe50d09c",
    "young-is-this-happening": "a37dad936babe4c4db35769c4f0383a9af78c88395237eba89082e15904a955c",
    "young-what-you-can-do": "63f2462234d67066bb797ef6ebb2d944f8a32eed9b4a0c4146e8578cc78f7e6a",
}

# slug -> the fields that changed, with their values as migration 0002 first loaded them.
FIRST_SEED_ORGANISATIONS = {
    "meld-misdaad-anoniem": {
        "description_nl": "Anoniem informatie over een misdrijf doorgeven. Uw naam blijft onbekend.",
        "description_en": "Pass on information about a crime anonymously. Your name stays unknown.",
    },
    "veilig-thuis": {
        "description_nl": "Advies en melding bij huiselijk geweld en kindermishandeling, ook "
        "uitbuiting. Het nummer verbindt u met Veilig Thuis in uw regio.",
        "description_en": "Advice and reports on domestic violence and child abuse, exploitation "
        "included. The number puts you through to Veilig Thuis in your region.",
    },
    "helpwanted": {
        "description_nl": "Advies en hulp bij online seksueel misbruik, zoals sextortion en het "
        "verspreiden van naaktbeelden.",
        "description_en": "Advice and help with online sexual abuse, such as sextortion and "
        "shared nude images.",
    },
    # The hours themselves are shown now; these notes only repeated them.
    "kindertelefoon": {
        "hours_note_nl": "Elke dag 11:00 tot 21:00 (niet opnieuw gecontroleerd).",
        "hours_note_en": "Every day 11:00 to 21:00 (not re-checked).",
    },
    "slachtofferhulp": {
        "hours_note_nl": "Werkdagen 8:00 tot 20:00, zaterdag 10:00 tot 17:00 (niet opnieuw "
        "gecontroleerd).",
        "hours_note_en": "Weekdays 8:00 to 20:00, Saturday 10:00 to 17:00 (not re-checked).",
    },
}


def refresh(apps: Any, schema_editor: Any) -> None:
    seeding.refresh_pages(apps.get_model("guide", "Page"), FIRST_SEED_PAGES)
    organisation = apps.get_model("guide", "Organisation")
    seeding.refresh_organisations(organisation, FIRST_SEED_ORGANISATIONS)
    seeding.load_organisations(organisation, apps.get_model("guide", "OpeningHours"))


class Migration(migrations.Migration):
    dependencies = [("guide", "0002_seed_content")]

    operations = [migrations.RunPython(refresh, migrations.RunPython.noop)]
