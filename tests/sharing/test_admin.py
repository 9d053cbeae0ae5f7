"""Administrators keep the list of partner organisations; nobody deletes one that shares use."""

from __future__ import annotations

import pytest

from tests.conftest import verified_client
from vangnet.core.roles import Role
from vangnet.sharing.models import PartnerOrganisation

pytestmark = pytest.mark.django_db
ADD = "/admin/sharing/partnerorganisation/add/"


def test_an_administrator_adds_a_partner_organisation(make_staff):
    client = verified_client(make_staff(Role.ADMINISTRATOR))
    posted = client.post(ADD, {"name": "Veilig Thuis IJsselland", "kind": "veilig_thuis"})
    assert posted.status_code == 302
    made = PartnerOrganisation.objects.get(name="Veilig Thuis IJsselland")
    assert made.kind == PartnerOrganisation.Kind.VEILIG_THUIS
    delete = f"/admin/sharing/partnerorganisation/{made.pk}/delete/"
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert PartnerOrganisation.objects.filter(pk=made.pk).exists()


@pytest.mark.parametrize("role", [Role.CASE_WORKER, Role.PARTNER, Role.SUPERVISOR])
def test_others_do_not_keep_the_partner_list(make_staff, role):
    client = verified_client(make_staff(role))
    assert client.post(ADD, {"name": "Nep", "kind": "police"}).status_code in (302, 403)
    assert not PartnerOrganisation.objects.filter(name="Nep").exists()
