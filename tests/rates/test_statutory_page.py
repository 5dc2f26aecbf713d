"""The 法定報告 page in the admin (SPEC §6.6): figures, totals, charts, CSV; scoped to the staff's insurers."""

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.factories import staff_user

from .population import FY

PAGE = "admin:rates_statutoryreportpage_changelist"
CSV = "admin:rates_statutory_csv"
TODAY = dt.date(2026, 10, 1)


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: TODAY)


@pytest.fixture
def staff_a(hand_built):
    client = Client()
    client.force_login(staff_user(hand_built, "alice"))
    return client


def test_admin_index_links_the_page(staff_a):
    html = staff_a.get(reverse("admin:index")).content.decode()
    assert reverse(PAGE) in html and "法定報告" in html


def test_page_shows_figures_totals_and_charts(staff_a):
    response = staff_a.get(reverse(PAGE), {"insurer": "06999999", "fiscal_year": FY})
    assert response.status_code == 200
    html = response.content.decode()
    assert "77.3%" in html and "50.0%" in html  # the two rates (SPEC §6.6: half-up, one decimal)
    assert "受診者 17 / 対象者 22 人" in html
    assert "全国目標 70.0%" in html and "全国目標 45.0%" in html  # the targets' lines are labelled (SPEC §6.4)
    assert html.count('class="hbars-row"') == 2 + 14 + 14  # totals, then each rate by stratum
    assert "<svg viewBox" in html and "chart.umd" not in html and "rates/dashboard.js" not in html  # inline SVG
    assert "特定健診対象者数" in html and "うち動機付け支援相当終了者数" in html
    # three tables (特定健診 / 特定保健指導 / メタボ・服薬) of 7 bands per sex, so that each fits 1280 px (issue #16)
    assert html.count('<tr><th scope="row">男</th>') == 3 * 7 and html.count('<tr><th scope="row">女</th>') == 3 * 7
    tables = response.context["tables"]
    assert [len(t["headers"]) for t in tables] == [3, 8, 5]  # 14 figures and the two rates
    assert tables[0]["total"][-1] == "77.3%" and tables[1]["total"][-1] == "50.0%"


def test_default_year_is_the_last_closed_one(staff_a):
    response = staff_a.get(reverse(PAGE))
    assert response.context["fiscal_year"] == FY  # today is in FY2026: the report being prepared is FY2025


def test_query_count_is_flat(staff_a, django_assert_num_queries):
    # session, user, memberships (actor), 2 permission reads, insurers, the grouped report query in a savepoint
    # (+ 2 SET LOCAL on PostgreSQL), targets, checkup years for the selector, the latest submission archive
    with django_assert_num_queries(12 if connection.vendor == "sqlite" else 14):
        response = staff_a.get(reverse(PAGE), {"insurer": "06999999", "fiscal_year": FY})
    assert response.status_code == 200


def test_csv_has_bom_japanese_headers_and_the_totals(staff_a):
    response = staff_a.get(reverse(CSV), {"insurer": "06999999", "fiscal_year": FY})
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff性別,年齢階級,特定健診対象者数,特定健診受診者数,")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert len(rows) == 16 and rows[-1][:4] == ["合計", "", "22", "17"] and rows[-1][-2:] == ["77.3", "50.0"]
    assert 'filename="statutory_report_06999999_2025.csv"' in response["Content-Disposition"]


def test_other_insurer_is_a_404_and_never_named(hand_built, world):
    client = Client()
    client.force_login(staff_user(world.insurer_b, "bob"))
    assert client.get(reverse(PAGE), {"insurer": "06999999"}).status_code == 404
    assert client.get(reverse(CSV), {"insurer": "06999999"}).status_code == 404
    own = client.get(reverse(PAGE)).content.decode()
    assert "06999999" not in own and world.insurer_a.name not in own


def test_person_and_anonymous_cannot_open_it(hand_built):
    assert Client().get(reverse(PAGE)).status_code == 302  # to the admin login


@pytest.mark.parametrize("year", ["1999", "99999"])
def test_out_of_range_year_is_a_404(staff_a, year):
    assert staff_a.get(reverse(PAGE), {"insurer": "06999999", "fiscal_year": year}).status_code == 404
