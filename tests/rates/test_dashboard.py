"""Staff dashboard in the admin: scoped to the staff member's insurers, charts with table alternatives, CSV."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from members.models import AccessLog
from rates.models import RateSnapshot
from rates.services import rate_snapshot_compute_now
from tests.factories import EmployerFactory

from . import population as pop

DASHBOARD = "admin:rates_ratedashboard_changelist"
TODAY = dt.date(2026, 11, 26)  # FY2026; the work lists and the look-ahead depend on the date


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: TODAY)


@pytest.fixture
def snapshots(world):
    employer = EmployerFactory(insurer=world.insurer_a, code="E001", name="架空製作所", phone="03-0000-0001")
    people = [pop.person(world.insurer_a, employer=employer) for _ in range(4)]
    for year in (2024, 2025, 2026):
        for n, person in enumerate(people[:3]):
            checkup = pop.checkup(person, fiscal_year=year, level=1 if n == 0 else 3)
            if year < 2026:
                pop.programme(checkup, "completed")
            else:
                pop.programme(
                    checkup, "in_progress", initial_on=dt.date(2026, 6, 1), next_action_due=dt.date(2026, 9, 1)
                )
    return [rate_snapshot_compute_now(insurer=world.insurer_a, fiscal_year=y, today=TODAY) for y in (2024, 2025, 2026)]


def test_admin_index_links_the_dashboard(alice_client, snapshots):
    assert reverse(DASHBOARD) in alice_client.get(reverse("admin:index")).content.decode()


def test_dashboard_shows_rates_targets_trend_and_breakdown(alice_client, snapshots):
    response = alice_client.get(reverse(DASHBOARD), {"insurer": "06999999", "fiscal_year": 2025})
    assert response.status_code == 200
    html = response.content.decode()
    assert "特定健診実施率" in html and "目標 90.00%" not in html and "90.0%" in html
    assert 'id="rates-chart-checkup"' in html and 'id="rates-history"' in html  # chart and its table
    assert 'type="application/json"' in html and "vendor/chart.umd.min.js" in html and "rates/dashboard.js" in html
    assert "<script>" not in html  # CSP: no inline script
    assert "2024年度" in html and "2026年度" in html
    assert "架空製作所" in html  # employer breakdown


def test_dashboard_lookahead_for_the_current_year(alice_client, snapshots, settings):
    response = alice_client.get(reverse(DASHBOARD), {"insurer": "06999999", "fiscal_year": 2026})
    html = response.content.decode()
    assert "年度の見通し" in html and "03-0000-0001" in html  # employer contact of the person without checkup


def test_bob_cannot_see_insurer_a(world, bob, snapshots):
    client = Client()
    client.force_login(bob)
    assert client.get(reverse(DASHBOARD), {"insurer": "06999999"}).status_code == 404
    assert client.get(reverse("admin:rates_dashboard_csv"), {"insurer": "06999999"}).status_code == 404
    progress = reverse("admin:rates_dashboard_progress", kwargs={"pk": snapshots[0].pk})
    assert client.get(progress).status_code == 404


def test_csv_download(alice_client, snapshots):
    response = alice_client.get(reverse("admin:rates_dashboard_csv"), {"insurer": "06999999", "fiscal_year": 2025})
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff区分,項目,健診受診者数")
    assert "年度合計,2025年度,3,5,60.0,1,1,100.0" in body
    assert "2025年度 事業所,E001 架空製作所,3,4,75.0" in body


@pytest.mark.parametrize("kind", ["no-checkup", "finishable", "at-risk"])
def test_worklists_page_and_csv_are_logged(alice_client, snapshots, kind):
    url = reverse("admin:rates_worklist", kwargs={"kind": kind})
    page = alice_client.get(url, {"insurer": "06999999", "fiscal_year": 2026})
    assert page.status_code == 200
    download = alice_client.get(url, {"insurer": "06999999", "fiscal_year": 2026, "format": "csv"})
    rows = b"".join(download.streaming_content).decode("utf-8").strip().splitlines()
    if kind == "finishable":  # every open programme here is overdue: on the at-risk list only (disjoint lists)
        assert len(rows) == 1
        return
    assert len(rows) >= 2
    assert AccessLog.objects.filter(action=AccessLog.Action.EXPORT, target=f"rates:{kind}").exists()


def test_unknown_worklist_is_404(alice_client, snapshots):
    assert alice_client.get(reverse("admin:rates_worklist", kwargs={"kind": "nope"})).status_code == 404


def test_compute_button_and_progress(alice_client, snapshots, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(
            reverse("admin:rates_dashboard_compute"), {"insurer": "06999999", "fiscal_year": 2025}
        )
    assert response.status_code == 302
    latest = RateSnapshot.objects.filter(fiscal_year=2025).latest("requested_at")
    assert latest.requested_by is not None
    progress = alice_client.get(reverse("admin:rates_dashboard_progress", kwargs={"pk": latest.pk})).json()
    assert progress == {"status": "done", "progress": 100, "error": ""}


def test_pending_snapshot_shows_progress_bar(alice_client, snapshots, world):
    RateSnapshot.objects.create(insurer=world.insurer_a, fiscal_year=2025, status="running", progress=50)
    html = alice_client.get(reverse(DASHBOARD), {"insurer": "06999999", "fiscal_year": 2025}).content.decode()
    assert 'id="rates-progress"' in html and "<progress" in html


def test_admin_action_recomputes(alice_client, snapshots, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        alice_client.post(
            reverse("admin:rates_ratesnapshot_changelist"),
            {"action": "recompute", "_selected_action": [snapshots[0].pk]},
        )
    assert RateSnapshot.objects.finished().filter(fiscal_year=2024).count() == 2
