"""The 見える化 page in the admin (SPEC §6.7): the year after first, charts with their counts, a CSV for each."""

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.factories import staff_user

from .population import FY

PAGE = "admin:rates_outcomereportpage_changelist"
CSV = "admin:rates_outcome_csv"


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: dt.date(2026, 10, 1))


@pytest.fixture
def staff_a(outcomes):
    client = Client()
    client.force_login(staff_user(outcomes, "alice"))
    return client


def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))


def test_admin_index_links_the_page(staff_a):
    html = staff_a.get(reverse("admin:index")).content.decode()
    assert reverse(PAGE) in html and "保健指導の成果(見える化)" in html


def test_the_year_after_comes_first(staff_a):
    html = staff_a.get(reverse(PAGE), {"insurer": "06999999", "fiscal_year": FY}).content.decode()
    first_section = html.index("<section")
    assert html.index("保健指導は効いているか", first_section) < html.index("年度の実績評価", first_section)
    # completers −1.2 cm / −1.1 kg against never-started +0.2 cm / ±0.0 kg, with the counts under the chart
    assert "-1.2cm" in html and "+0.2cm" in html and "-1.1kg" in html and "±0.0kg" in html
    assert "3 人の平均" in html and "2 / 4 人" in html and "1 / 3 人" in html
    assert '<td class="num">4 人</td>' in html and '<td class="num">3 人</td>' in html


def test_breakdowns_by_year_provider_mode_level(staff_a):
    html = staff_a.get(reverse(PAGE), {"insurer": "06999999", "fiscal_year": FY}).content.decode()
    for heading in ("年度推移", "保健指導機関別", "実施形態別", "支援区分別"):
        assert heading in html
    assert "P保健指導センター" in html and "保険者直営" in html and "遠隔のみ" in html and "対面と遠隔の併用" in html
    assert "28.6%" in html  # 2 of 7 final-evaluated met 2cm·2kg
    assert "<script" not in html.split('<div id="content"', 1)[1]  # the charts are inline SVG, no script


@pytest.mark.parametrize(
    ("section", "header", "row"),
    [
        ("next_year", ["区分", "翌年度健診受診者数"], ["保健指導終了者", "4", "-1.2", "-1.1", "2", "3"]),
        ("provider", ["保健指導機関", "実績評価実施者数", "終了者数", "腹囲2cm・体重2kg減"],
         ["2700000001 P保健指導センター", "3", "2", "2", "1", "1", "1", "1", "0", "0"]),
        ("mode", ["実施形態"], ["遠隔のみ", "2", "1", "0", "2", "0", "0", "1", "0", "0"]),
        ("level", ["支援区分"], ["積極的支援", "4", "3", "2", "1", "2", "1", "1", "0", "0"]),
        ("trend", ["年度"], ["2025年度", "7", "6", "2", "2", "2", "1", "1", "1", "1"]),
    ],
)  # fmt: skip
def test_csv_of_each_section(staff_a, section, header, row):
    rows = _csv(staff_a.get(reverse(CSV), {"insurer": "06999999", "fiscal_year": FY, "section": section}))
    assert rows[0][: len(header)] == header
    assert row in rows


def test_unknown_csv_section_is_a_404(staff_a):
    assert staff_a.get(reverse(CSV), {"insurer": "06999999", "section": "x"}).status_code == 404


def test_other_insurer_is_a_404_and_never_named(outcomes, world):
    client = Client()
    client.force_login(staff_user(world.insurer_b, "bob"))
    assert client.get(reverse(PAGE), {"insurer": "06999999"}).status_code == 404
    assert client.get(reverse(CSV), {"insurer": "06999999"}).status_code == 404
    own = client.get(reverse(PAGE)).content.decode()
    assert "06999999" not in own and "P保健指導センター" not in own


def test_query_count(staff_a, django_assert_num_queries):
    # session, user, memberships, 2 permission reads, insurers; outcomes, providers, year after, the years (twice:
    # trend and selector),
    # trend outcomes (grouped queries in savepoints, + SET LOCALs on PostgreSQL), selector years
    expected = 18 if connection.vendor == "sqlite" else 24
    with django_assert_num_queries(expected):
        assert staff_a.get(reverse(PAGE), {"insurer": "06999999", "fiscal_year": FY}).status_code == 200
