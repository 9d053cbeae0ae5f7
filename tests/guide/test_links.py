"""Links staff type into the help directory (issue 9, finding 8): only https:// (or a path on
this site for the chat) and real phone numbers; bad data saved earlier is never a link."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from vangnet.core.roles import Role
from vangnet.guide.models import Organisation

pytestmark = pytest.mark.django_db

HOSTILE = [
    "javascript:alert(document.domain)",
    "JavaScript:alert(1)",
    "//evil.example/x",
    "/\\evil.example",
    "http://example.nl/",
    "data:text/html,<script>alert(1)</script>",
    "https://",
    "https://user@evil.example/",
    " https://example.nl/",
    "https://example.nl/\x00",
    "vbscript:msgbox",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_a_hostile_chat_or_web_link_is_refused(value):
    organisation = Organisation.objects.first()
    organisation.chat_url = value
    organisation.website = value
    with pytest.raises(ValidationError) as err:
        organisation.clean()
    assert set(err.value.message_dict) == {"chat_url", "website"}


@pytest.mark.parametrize("value", ["https://www.example.nl/chat", "/chat/"])
def test_https_and_a_path_on_this_site_are_accepted_for_the_chat(value):
    organisation = Organisation.objects.first()
    organisation.chat_url = value
    organisation.website = "https://www.example.nl/"
    organisation.phone = "+31 (0)20-123 45 67"
    organisation.clean()


def test_a_phone_must_be_a_phone():
    organisation = Organisation.objects.first()
    organisation.phone = "0800-2000'><script>"
    with pytest.raises(ValidationError) as err:
        organisation.clean()
    assert "phone" in err.value.message_dict


def test_the_admin_form_says_what_is_wrong_and_saves_nothing(staff_client):
    client, _user = staff_client(Role.ADMINISTRATOR)
    organisation = Organisation.objects.first()
    url = f"/admin/guide/organisation/{organisation.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list)}
    data.update(
        {f"hours-{k}": v for k, v in {"TOTAL_FORMS": "0", "INITIAL_FORMS": "0"}.items()},
        chat_url="javascript:alert(document.domain)",
    )
    for key in (
        "for_young_people",
        "for_parents",
        "for_professionals",
        "always_open",
        "closed_on_public_holidays",
        "active",
    ):
        if not data.get(key):
            data.pop(key, None)
    response = client.post(url, data)
    assert response.status_code == 200
    assert "https://" in response.content.decode()  # the message names what is accepted
    organisation.refresh_from_db()
    assert organisation.chat_url != "javascript:alert(document.domain)"


def test_bad_data_saved_before_the_check_is_not_rendered_as_a_link(client):
    organisation = Organisation.objects.filter(active=True).first()
    Organisation.objects.filter(pk=organisation.pk).update(
        chat_url="javascript:alert(document.domain)",
        website="//evil.example/x",
        phone='0800"onmouseover=alert(1)',
    )
    page = client.get("/help/").content.decode()
    assert "javascript:" not in page
    assert 'href="//evil.example' not in page
    assert '"onmouseover=' not in page  # shown as escaped text, not as an attribute
    assert 'href="tel:0800"' not in page
