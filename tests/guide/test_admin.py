"""Guide content is edited in the admin by those the access policy allows (GUIDE_EDIT)."""

from collections.abc import Callable

import pytest
from django.test import Client

from vangnet.accounts.models import User
from vangnet.core.roles import Role

pytestmark = pytest.mark.django_db


def test_administrator_edits_organisations_and_pages(
    staff_client: Callable[..., tuple[Client, User]],
) -> None:
    client, _user = staff_client(Role.ADMINISTRATOR)
    response = client.get("/admin/guide/organisation/")
    assert response.status_code == 200
    assert "Veilig Thuis" in response.content.decode()
    assert client.get("/admin/guide/page/").status_code == 200
    org_id = client.get("/admin/guide/organisation/").context["cl"].result_list[0].pk
    assert client.get(f"/admin/guide/organisation/{org_id}/change/").status_code == 200


def test_counsellor_cannot_edit_the_guide(
    staff_client: Callable[..., tuple[Client, User]],
) -> None:
    client, user = staff_client(Role.COUNSELLOR)
    User.objects.filter(pk=user.pk).update(is_staff=True)  # even with the old admin flag
    # The policy, not `is_staff`, opens the admin: sent to the staff login, nothing shown.
    response = client.get("/admin/guide/organisation/")
    assert response.status_code == 302 and response["Location"].startswith(
        ("/staff/login/", "/admin/login/")
    )
