"""Fill empty msgstr in English .po files with the (English) msgid, and report empty Dutch ones.

Source strings are English, so the English catalogue is the identity; keeping it complete means
`makemessages` leaves no empty msgstr in either language.
Usage: python tools/po_fill_en.py src/vangnet/*/locale
"""

from __future__ import annotations

import sys
from pathlib import Path


def _entries(text: str) -> list[list[str]]:
    return [block.splitlines() for block in text.strip("\n").split("\n\n")]


def _collect(lines: list[str], key: str) -> list[str]:
    """The quoted lines of one field (`msgid`, `msgid_plural`, `msgstr`, `msgstr[0]`)."""
    out: list[str] = []
    grabbing = False
    for line in lines:
        if line.startswith(key + " "):
            out.append(line[len(key) + 1 :])
            grabbing = True
        elif grabbing and line.startswith('"'):
            out.append(line)
        else:
            grabbing = False
    return out


def _is_empty(quoted: list[str]) -> bool:
    return all(q.strip() == '""' for q in quoted)


def fill_identity(lines: list[str]) -> list[str]:
    msgid = _collect(lines, "msgid")
    if not msgid or _is_empty(msgid):
        return lines  # the header
    plural = _collect(lines, "msgid_plural")
    keys = ["msgstr[0]", "msgstr[1]"] if plural else ["msgstr"]
    sources = [msgid, plural] if plural else [msgid]
    head = [line for line in lines if not line.startswith("msgstr")]
    # drop the continuation lines of msgstr fields
    kept: list[str] = []
    in_msgstr = False
    for line in lines:
        if line.startswith("msgstr"):
            in_msgstr = True
            continue
        if in_msgstr and line.startswith('"'):
            continue
        in_msgstr = False
        kept.append(line)
    head = kept
    existing = [_collect(lines, key) for key in keys]
    for key, source, current in zip(keys, sources, existing, strict=True):
        value = current if current and not _is_empty(current) else source
        head.append(f"{key} {value[0]}")
        head.extend(value[1:])
    return [line for line in head if line != "#, fuzzy" or not plural]


def main(paths: list[str]) -> int:
    empty_nl = 0
    for root in paths:
        for po in Path(root).glob("*/LC_MESSAGES/*.po"):
            language = po.parts[-3]
            entries = _entries(po.read_text())
            if language == "en":
                entries = [fill_identity(e) for e in entries]
                po.write_text("\n\n".join("\n".join(e) for e in entries) + "\n")
            else:
                for entry in entries[1:]:
                    if any(line.startswith("#, fuzzy") for line in entry):
                        print(f"{po}: fuzzy: {' '.join(_collect(entry, 'msgid'))}")
                        empty_nl += 1
                    for key in ("msgstr", "msgstr[0]"):
                        value = _collect(entry, key)
                        if value and _is_empty(value):
                            print(f"{po}: untranslated: {' '.join(_collect(entry, 'msgid'))}")
                            empty_nl += 1
    return 1 if empty_nl else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
