"""The interface is Dutch first: every message of every app has a Dutch translation that is in
use (not fuzzy, not empty), and the compiled catalogue is not older than its source."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "vangnet"
DUTCH = sorted(SRC.glob("*/locale/nl/LC_MESSAGES/django.po"))


def entries(po: Path) -> list[tuple[str, str, bool]]:
    """(msgid, msgstr, fuzzy) of each entry; plural forms give their first msgstr."""
    found: list[tuple[str, str, bool]] = []
    current: dict[str, str] = {}
    fuzzy = False
    field = ""

    def flush() -> None:
        if "msgid" in current and not current.get("obsolete"):
            found.append((current["msgid"], current.get("msgstr", ""), fuzzy))

    for line in po.read_text(encoding="utf-8").splitlines():
        if line.startswith("#~"):
            current["obsolete"] = "1"
            continue
        if line.startswith("#,"):
            flush()
            current, field = {}, ""
            fuzzy = "fuzzy" in line
            continue
        if line.startswith("#") or not line.strip():
            continue
        keyword, _, rest = line.partition(" ")
        if keyword == "msgid":
            if "msgid" in current:
                flush()
                fuzzy = False
            current = {"msgid": ast.literal_eval(rest)}
            field = "msgid"
        elif keyword in {"msgstr", "msgstr[0]"}:
            current["msgstr"] = ast.literal_eval(rest)
            field = "msgstr"
        elif keyword.startswith("msgstr[") or keyword == "msgid_plural":
            field = ""
        elif line.startswith('"') and field:
            current[field] += ast.literal_eval(line)
    flush()
    return [e for e in found if e[0]]  # the header has an empty msgid


def test_every_app_has_a_dutch_catalogue():
    apps_with_templates_or_strings = {p.parts[-5] for p in DUTCH}
    assert {"accounts", "cases", "chat", "coding", "core", "guide", "monitor"} <= (
        apps_with_templates_or_strings
    )


@pytest.mark.parametrize("po", DUTCH, ids=lambda p: p.parts[-5])
def test_every_message_has_a_dutch_translation_in_use(po: Path):
    missing = [msgid for msgid, msgstr, fuzzy in entries(po) if fuzzy or not msgstr.strip()]
    assert not missing, f"{po}: not translated (or fuzzy): {missing[:10]}"


@pytest.mark.parametrize("po", DUTCH, ids=lambda p: p.parts[-5])
def test_the_compiled_catalogue_is_there(po: Path):
    assert po.with_suffix(".mo").is_file(), f"{po.with_suffix('.mo')}: run make messages"


@pytest.mark.parametrize("po", DUTCH, ids=lambda p: p.parts[-5])
def test_every_message_in_the_code_is_in_the_catalogue(po: Path, tmp_path: Path):
    """What `make messages` would extract now is all in the committed catalogue (a string
    added without `make messages` shows in English on the Dutch site)."""
    if shutil.which("xgettext") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("gettext is missing: .ci/run installs it")
        pytest.skip("gettext is not installed (apt-get install gettext)")
    app = po.parts[-5]
    copy = tmp_path / app
    shutil.copytree(SRC / app, copy, ignore=shutil.ignore_patterns("*.mo", "__pycache__"))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "vangnet.settings"}
    env["VANGNET_DATA_DIR"] = str(tmp_path / "data")
    subprocess.run(
        # django-admin, not `python -m django`: the app's own modules (selectors, signals)
        # would shadow the standard library's from the working directory.
        [
            str(Path(sys.executable).parent / "django-admin"),
            "makemessages",
            "-l",
            "nl",
            "--no-location",
            "-v",
            "0",
        ],
        cwd=copy,
        env=env,
        check=True,
    )
    extracted = {msgid for msgid, _, _ in entries(copy / "locale/nl/LC_MESSAGES/django.po")}
    committed = {msgid for msgid, _, _ in entries(po)}
    assert not extracted - committed, f"{app}: run make messages: {sorted(extracted - committed)}"
