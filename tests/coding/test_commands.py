from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from vangnet.coding.models import Contact

HEADER = "contact_id,date,codebook_version,role,victim_exploited,exploitation_forms\n"


def test_import_contacts_reports_each_bad_line_and_imports_nothing(db, tmp_path):
    path = tmp_path / "helpline.csv"
    path.write_text(
        HEADER
        + "1,2021-04-01,2026.1,victim_self,yes,sexual\n"
        + "2,2021-04-02,2026.1,victim_self,yes,sexual;unknown\n"
        + "3,01-04-2021,2026.1,victim_self,yes,sexual\n",
        encoding="utf-8",
    )
    errors = io.StringIO()
    with pytest.raises(CommandError, match=r"^2 "):
        call_command("import_contacts", str(path), stderr=errors)
    lines = errors.getvalue().splitlines()
    assert lines[0].startswith("helpline.csv, line 3: [2]")
    assert lines[1].startswith("helpline.csv, line 4: [3]")
    assert not Contact.objects.exists()


def test_import_contacts_imports_a_good_file(db, tmp_path):
    path = tmp_path / "ok.csv"
    path.write_text(HEADER + "1,2021-04-01,2026.1,victim_self,yes,sexual\n", encoding="utf-8")
    out = io.StringIO()
    call_command("import_contacts", str(path), stdout=out)
    assert "Imported 1 contacts" in out.getvalue()
    assert Contact.objects.get().import_batch == "ok.csv"


@pytest.mark.parametrize(
    ("content", "byte"),
    [
        ("contact_id,date\n1,2021-04-01 café\n".encode("latin-1"), 32),  # latin-1 é
        (b"PAR1\x15\x04\x15\x80\x02\x00binary", 7),  # the start of a Parquet file
        (b"\xff\xfe" + "date".encode("utf-16-le"), 0),  # UTF-16
    ],
)
def test_a_file_that_is_not_utf8_is_named_with_its_first_bad_byte(db, tmp_path, content, byte):
    """The byte is an offset from 0, as a hex editor shows it."""
    path = tmp_path / "export.csv"
    path.write_bytes(content)
    with pytest.raises(CommandError) as failure:
        call_command("import_contacts", str(path))
    assert str(failure.value) == f"export.csv: not UTF-8 (byte {byte})"
    assert not Contact.objects.exists()


def test_a_file_imported_twice_is_refused_unless_duplicates_are_allowed(db, tmp_path):
    path = tmp_path / "april.csv"
    row = "1,2021-04-01,2026.1,victim_self,yes,sexual\n"
    path.write_text(HEADER + row + row, encoding="utf-8")  # two equal contacts in one file: fine
    call_command("import_contacts", str(path), stdout=io.StringIO())
    assert Contact.objects.count() == 2
    errors = io.StringIO()
    with pytest.raises(CommandError, match=r"^2 bad row\(s\); nothing was imported\.$"):
        call_command("import_contacts", str(path), stderr=errors)
    assert "line 2: This row was already imported (from “april.csv”)" in errors.getvalue()
    assert Contact.objects.count() == 2
    call_command("import_contacts", str(path), "--allow-duplicates", stdout=io.StringIO())
    assert Contact.objects.count() == 4


def test_command_output_is_in_one_language(db, tmp_path, settings):
    settings.LANGUAGE_CODE = "nl"
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + "1,01-04-2021,2026.1,victim_self,yes,sexual\n", encoding="utf-8")
    errors = io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("import_contacts", str(path), stderr=errors)
    assert "is not a date" in errors.getvalue()
    assert str(failure.value) == "1 bad row(s); nothing was imported."
