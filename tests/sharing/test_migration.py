"""Moving the share models from cases to sharing keeps every row, key and link.

The database is taken back to the state before the move (cases 0003, no sharing app) with a
case, a share with consents and a response, and a meldcode track whose report is that share;
then migrated forward. Everything must still be there and readable through the new app.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.cases.conftest import AP
from vangnet.cases import ages, meldcode, services
from vangnet.cases.meldcode_models import MeldcodeTrack
from vangnet.sharing import selectors as sharing_selectors
from vangnet.sharing import services as sharing_services
from vangnet.sharing.models import PartnerOrganisation, Share, ShareConsent, ShareResponse

BEFORE = [("cases", "0003_merge_emergency_access_and_meldcode"), ("sharing", None)]
MOVED = {"partnerorganisation", "share", "shareconsent", "shareresponse"}


def migrate(targets: list[tuple[str, str | None]]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def latest() -> list[tuple[str, str | None]]:
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def app_labels() -> dict[str, str]:
    rows = ContentType.objects.filter(model__in=MOVED).values_list("model", "app_label")
    return dict(rows)


@pytest.mark.django_db(transaction=True)
def test_shares_survive_the_move_to_their_own_app(
    make_case, add_parent, case_worker, police, veilig_thuis, police_officer
):
    case = make_case(age=14)
    parent = add_parent(case)
    made = services.share_with_partner(
        case=case,
        by=case_worker,
        organisation=police,
        sections=["identity", "people"],
        purpose="Aangifte voorbereiden",
        basis=Share.Basis.CONSENT,
        client_consents=True,
        consenting_parents=[parent],
        valid_until=ages.today() + timedelta(days=30),
        access_point=AP,
    )
    sharing_services.respond_to_share(
        share=made, by=police_officer, text="Ontvangen", access_point=AP
    )
    track = meldcode.start_track(by=case_worker, case=case, reason="Zorgen", access_point=AP)
    MeldcodeTrack.objects.filter(pk=track.pk).update(report_share=made)
    before = {
        "snapshot": json.loads(Share.objects.get().snapshot),
        "content_types": dict(
            ContentType.objects.filter(model__in=MOVED).values_list("model", "pk")
        ),
    }

    migrate(BEFORE)
    # The old state: the models are the cases app's again; the rows never moved.
    assert set(app_labels().values()) == {"cases"}
    migrate(latest())

    assert set(app_labels().values()) == {"sharing"}
    assert (
        dict(ContentType.objects.filter(model__in=MOVED).values_list("model", "pk"))
        == (before["content_types"])
    )
    share = Share.objects.get()
    assert share.pk == made.pk and share.organisation == police
    assert json.loads(share.snapshot) == before["snapshot"]  # still decrypts with the case's key
    assert ShareConsent.objects.filter(share=share).count() == 2
    assert ShareResponse.objects.get(share=share).text == "Ontvangen"
    assert MeldcodeTrack.objects.get(pk=track.pk).report_share == share
    assert sharing_selectors.partner_inbox(user=police_officer) == [share]
    assert PartnerOrganisation.objects.count() == 2
