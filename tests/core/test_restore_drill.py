"""The restore drill of docs/deployment.md, section "Backups": dump the database with pg_dump,
restore it into a new database, and read an encrypted transcript and a case back with the keys.
Without the keys the same backup reads as nothing, by design."""

from __future__ import annotations

import json
import secrets
import subprocess
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from tests.chat.test_scale_out import postgres_database
from tests.servers import run_cli, server_env

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

WRITE = """
from vangnet.chat.models import Conversation, Message
c = Conversation.objects.create(token_hash="d" * 64, visitor_role="parent_carer", nickname="Drill")
for n, text in enumerate(["Mijn dochter krijgt berichten", "Van een man die ze niet kent"], 1):
    Message.objects.create(conversation=c, sequence=n, sender="visitor", client_msg_id=f"d{n}",
                           body=text)
"""
READ = """
import json
from vangnet.chat.models import Conversation
from vangnet.cases.models import Case
from vangnet.core.crypto import DecryptionError
try:
    c = Conversation.objects.get(token_hash="d" * 64)
    case = Case.objects.order_by("reference").first()
    print(json.dumps({"nickname": c.nickname,
                      "transcript": [m.body for m in c.messages.order_by("sequence")],
                      "case": [case.reference, case.name, case.summary]}))
except DecryptionError:
    print(json.dumps({"unreadable": True}))
"""


def last_json_line(output: str) -> dict[str, object]:
    return dict(json.loads(output.strip().splitlines()[-1]))


def test_a_backup_restores_and_reads_back_with_the_keys_only(tmp_path: Path) -> None:
    keys = Fernet.generate_key().decode()
    with postgres_database() as original_url, postgres_database() as restored_url:
        env = server_env(
            tmp_path,
            DATABASE_URL=original_url,
            SECRET_KEY=secrets.token_urlsafe(48),
            VANGNET_ENCRYPTION_KEYS=keys,
        )
        run_cli(env, "migrate", "--noinput", "-v", "0")
        run_cli(env, "demo-data", "--if-empty")  # cases with encrypted names and summaries
        run_cli(env, "shell", "-c", WRITE)
        before = last_json_line(run_cli(env, "shell", "-c", READ))
        assert before["transcript"] == [
            "Mijn dochter krijgt berichten",
            "Van een man die ze niet kent",
        ]

        dump = tmp_path / "vangnet.dump"
        subprocess.run(
            ["pg_dump", "--format=custom", f"--file={dump}", f"--dbname={original_url}"],
            check=True,
            timeout=120,
        )
        # The dump itself holds no readable message or name.
        raw = dump.read_bytes()
        assert b"Mijn dochter" not in raw and b"Drill" not in raw
        subprocess.run(
            ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={restored_url}", str(dump)],
            check=True,
            timeout=120,
        )

        restored = env | {"DATABASE_URL": restored_url}
        assert last_json_line(run_cli(restored, "shell", "-c", READ)) == before

        without_keys = restored | {"VANGNET_ENCRYPTION_KEYS": Fernet.generate_key().decode()}
        assert last_json_line(run_cli(without_keys, "shell", "-c", READ)) == {"unreadable": True}
