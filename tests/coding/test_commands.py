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
