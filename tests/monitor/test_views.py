from __future__ import annotations

import csv
import io
import re

import pyarrow.parquet as pq
import pytest
from django.core.management import call_command
from django.urls import reverse

from vangnet.core.models import AccessLogEntry
from vangnet.core.roles import Role
from vangnet.monitor import disclosure

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
    assert "28" in page and "&lt;10" in page
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


def test_exports_hold_coded_fields_and_pseudonyms_only(staff_client, load_rows):
    load_rows([(12, {**V, "exploitation_forms": "sexual;criminal"})])
    client, _user = staff_client(Role.RESEARCHER)
    response = client.get(reverse("monitor:export"), {"year": 2024, "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 12
    assert rows[0]["date"] == "2024-03"  # the month, never the day
    assert rows[0]["exploitation_forms"] == "criminal;sexual"
    assert len({row["contact_id"] for row in rows}) == 12
    assert not any(row["contact_id"].isdigit() for row in rows)
    parquet = client.get(reverse("monitor:export"), {"year": 2024, "format": "parquet"})
    table = pq.read_table(io.BytesIO(parquet.content))
    assert table.num_rows == 12 and "nickname" not in table.column_names
    assert AccessLogEntry.objects.filter(event=AccessLogEntry.Event.EXPORT).count() == 2
    admin, _admin = staff_client(Role.ADMINISTRATOR)
    assert admin.get(reverse("monitor:export")).status_code == 403


def test_report_command_writes_html_and_pdf(load_rows, tmp_path):
    load_rows([(30, {**V, "exploitation_forms": "sexual"}), (20, {**V, "date": "2023-05-01"})])
    html = tmp_path / "r.html"
    call_command("report", "--year", "2024", "--format", "html", "--output", str(html))
    text = html.read_text()
    assert "2024" in text and "2023" in text and "<svg" in text
    pdf = tmp_path / "r.pdf"
    call_command("report", "--year", "2024", "--format", "pdf", "--output", str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF")


def test_the_monitor_has_a_table_of_contents_whose_links_all_land(staff_client):
    """The page is long: every part, and every table of answers, is one jump away."""
    client, _user = staff_client(Role.RESEARCHER)
    html = client.get(reverse("monitor:dashboard")).content.decode()
    toc = html[html.index('<nav class="monitor-toc"') : html.index("</nav>")]
    targets = re.findall(r'href="#([^"]+)"', toc)
    assert len(targets) >= 10
    assert "dist-role" in targets
    for target in targets:
        assert html.count(f'id="{target}"') == 1, target
    assert html.index("monitor-toc") < html.index('id="ckm-title"')
