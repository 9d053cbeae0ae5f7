from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.monitor import attack
from vangnet.core.models import AccessLogEntry
from vangnet.core.roles import Role
from vangnet.monitor import cellkey, disclosure

V = {"role": "victim_self", "victim_exploited": "yes", "date": "2024-03-10"}


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.RESEARCHER, 200),
        (Role.ADMINISTRATOR, 200),
        (Role.COUNSELLOR, 403),
        (Role.PARTNER, 403),
        (Role.CASE_WORKER, 403),
    ],
)
def test_only_researchers_and_administrators_see_the_monitor(staff_client, role, status):
    client, _user = staff_client(role)
    assert client.get(reverse("monitor:dashboard")).status_code == status


def test_dashboard_shows_counts_with_their_denominators(
    staff_client, load_rows, django_assert_max_num_queries
):
    load_rows(
        [(25, {**V, "exploitation_forms": "sexual"}), (3, {**V, "exploitation_forms": "labour"})]
    )
    client, _user = staff_client(Role.RESEARCHER)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("monitor:dashboard"), {"year": 2024, "granularity": "month"})
    page = response.content.decode()
    shown, hidden = attack.parse(page)
    assert abs(shown["Y2024|n@all"] - 28) <= cellkey.MAX_NOISE  # perturbed, never below 10
    assert "Y2024|forms_ckm=labour@all" in hidden and "&lt;10" in page
    assert "of all contacts" in page or "van alle contacten" in page
    assert "<svg" in page and "<script" not in page
    assert 'style="' not in page


def test_threshold_change_is_for_administrators_and_logged(staff_client):
    researcher, _user = staff_client(Role.RESEARCHER)
    assert researcher.post(reverse("monitor:threshold"), {"min_cell": 3}).status_code == 403
    admin, _admin_user = staff_client(Role.ADMINISTRATOR)
    response = admin.post(reverse("monitor:threshold"), {"min_cell": 5})
    assert response.status_code == 302
    assert disclosure.current_min_cell() == 5
    entry = AccessLogEntry.objects.get(event=AccessLogEntry.Event.SETTING_CHANGE)
    assert entry.detail == "monitor.min_cell 10 -> 5"


def test_report_command_writes_html_and_pdf(load_rows, tmp_path):
    load_rows([(30, {**V, "exploitation_forms": "sexual"}), (20, {**V, "date": "2023-05-01"})])
    html = tmp_path / "r.html"
    call_command("report", "--year", "2024", "--format", "html", "--output", str(html))
    text = html.read_text()
    assert "2024" in text and "2023" in text and "<svg" in text
    pdf = tmp_path / "r.pdf"
    call_command("report", "--year", "2024", "--format", "pdf", "--output", str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF")


def test_a_year_without_data_says_so(staff_client, load_rows):
    load_rows([(25, {**V, "exploitation_forms": "sexual"})])
    client, _user = staff_client(Role.RESEARCHER)
    page = client.get(reverse("monitor:dashboard"), {"year": 2024}).content.decode()
    assert 'id="no-data"' not in page
    empty = client.get(reverse("monitor:dashboard"), {"year": 2099}).content.decode()
    assert 'id="no-data"' not in empty  # not a year the monitor offers: the latest is shown
    load_rows([(12, {**V, "date": "2022-05-01"})])  # 2023 lies between two years with data
    page = client.get(reverse("monitor:dashboard"), {"year": 2023}).content.decode()
    assert 'id="no-data"' in page and "&lt;10" not in page.split('id="no-data"')[1].split("</p>")[0]
    report = client.get(reverse("monitor:report"), {"year": 2023}).content.decode()
    assert 'id="no-data"' in report


def test_hidden_counts_say_why(staff_client, load_rows):
    # 3 labour cases are small; another form must be hidden with them, and it is not small.
    load_rows(
        [
            (40, {**V, "exploitation_forms": "sexual"}),
            (12, {**V, "exploitation_forms": "criminal"}),
            (11, {**V, "exploitation_forms": "sexual;criminal"}),
            (3, {**V, "exploitation_forms": "labour"}),
        ]
    )
    client, _user = staff_client(Role.RESEARCHER)
    dashboard = client.get(reverse("monitor:dashboard"), {"year": 2024}).content.decode()
    report = client.get(reverse("monitor:report"), {"year": 2024}).content.decode()
    for page in (dashboard, report):  # the page and the yearly report alike
        states = dict(attack.CELL_STATE.findall(page))
        assert states["Y2024|forms_ckm=labour@all"] == "small"
        protecting = [cell for cell, state in states.items() if state == "protecting"]
        assert protecting, "a second count must protect the labour cases"
        for _cell, state, text in attack.CELL.findall(page):
            if state == "protecting":
                assert text == "verborgen"  # never "<10" for a count that is not below 10
            elif state == "small":
                assert text == "&lt;10"
            else:
                assert int(text) >= 10
        legend = page.split('id="legend"')[1].split("</p>")[0]
        # The legend tells the two apart, and says the numbers are perturbed.
        assert "“&lt;10” is een aantal onder 10" in legend
        assert "“verborgen” is een aantal van 10 of meer" in legend
        assert "verstoord" in legend


def test_the_monitor_has_a_table_of_contents_whose_links_all_land(staff_client, load_rows):
    """The page is long: every part, and every table of answers, is one jump away."""
    load_rows([(25, {**V, "exploitation_forms": "sexual"})])
    client, _user = staff_client(Role.RESEARCHER)
    html = client.get(reverse("monitor:dashboard"), {"year": 2024}).content.decode()
    toc = html[html.index('<nav class="monitor-toc"') : html.index("</nav>")]
    targets = re.findall(r'href="#([^"]+)"', toc)
    assert len(targets) >= 10
    assert "dist-role" in targets
    for target in targets:
        assert html.count(f'id="{target}"') == 1, target
    assert html.index("monitor-toc") < html.index('id="ckm-title"')
