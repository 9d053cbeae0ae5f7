from __future__ import annotations

import io

import pytest

from vangnet.accounts import demo as staff_demo
from vangnet.accounts.models import User
from vangnet.cases import demo, selectors
from vangnet.cases.models import Case, Phase
from vangnet.sharing import selectors as sharing_selectors
from vangnet.sharing.models import PartnerOrganisation

pytestmark = pytest.mark.django_db


def test_demo_trajectories_load_once_and_follow_the_rules():
    staff_demo.load(io.StringIO())
    demo.load(io.StringIO())
    demo.load(io.StringIO())
    assert Case.objects.count() == 2
    assert PartnerOrganisation.objects.filter(name="Politie", kind="police").exists()
    cees = User.objects.get(username="cees")
    rows = {row.name: row for row in selectors.caseload(user=cees)}
    assert rows["Demi (demo)"].milestones.age == 21
    assert rows["Demi (demo)"].case.phase == Phase.AFTERCARE
    assert rows["Sem (demo)"].transition_reminder
    pieter = User.objects.get(username="pieter")
    assert len(sharing_selectors.partner_inbox(user=pieter)) == 1
