"""`vangnet train-suggestions`: a model only where it beats the rules; the rules otherwise."""

from __future__ import annotations

import io
import random

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils import timezone

from vangnet.chat.models import Conversation, Message
from vangnet.coding import codebook
from vangnet.coding import services as coding_services
from vangnet.core.roles import Role
from vangnet.reading import learned
from vangnet.reading.suggestions import Turn

pytestmark = pytest.mark.django_db

# A code the rules cannot see (a word the word lists do not know), so a model can learn it.
PHRASES = {"yes": "de zorgboog weet het al", "no": "nog niks gedeeld met wie dan ook"}


def coded_chat(counsellor, n, answer):
    chat = Conversation.objects.create(
        token_hash=f"tr{n}" + "x" * 20,
        visitor_role="young_person",
        status=Conversation.Status.ENDED,
        counsellor=counsellor,
        ended_at=timezone.now(),
        last_sequence=1,
    )
    Message.objects.create(
        conversation=chat, sequence=1, sender="visitor", client_msg_id="a", body=PHRASES[answer]
    )
    coding_services.register_contact(
        by=counsellor, conversation=chat, answers={"known_to_police_or_care": answer}
    )


def test_too_few_coded_chats_is_a_clear_message(make_staff, tmp_path):
    with override_settings(DATA_DIR=tmp_path), pytest.raises(CommandError, match="at least"):
        call_command("train_suggestions", stdout=io.StringIO())


def test_a_model_is_switched_on_only_where_it_beats_the_rules(make_staff, tmp_path):
    anna = make_staff(Role.COUNSELLOR).user
    rng = random.Random(3)
    for n in range(40):
        coded_chat(anna, n, rng.choice(["yes", "no"]))
    out = io.StringIO()
    with override_settings(DATA_DIR=tmp_path):
        call_command("train_suggestions", stdout=out)
        book = codebook.current()
        assert learned.model_status(book) == ""
        models = learned.loaded(book).models
        assert "known_to_police_or_care" in models
        assert "recruitment_platform" not in models  # only "unknown" in the data: rules
        result = learned.suggest_with_models([Turn("visitor", PHRASES["yes"])], book)
        assert result.codes["known_to_police_or_care"] == "yes"
        assert result.source["known_to_police_or_care"] == "model"
    assert "model ON" in out.getvalue()


def test_a_model_for_another_codebook_version_is_not_used(tmp_path):
    import joblib

    with override_settings(DATA_DIR=tmp_path):
        learned.model_path().parent.mkdir(parents=True)
        joblib.dump({"codebook_version": "1999.1", "questions": {}}, learned.model_path())
        learned._load.cache_clear()
        problem = learned.model_status(codebook.current())
        assert "1999.1" in problem
        result = learned.suggest_with_models([Turn("visitor", "ik ben 15")], codebook.current())
        assert result.codes["victim_age_band"] == "15_17"
        assert set(result.source.values()) == {"rules"}
