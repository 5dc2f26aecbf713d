"""CSV in the page's language (UTF-8 with BOM), and the invitation letter: issue date, help desk, one site name, a
QR code of the site's address only (issue #18)."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.models import SelfMeasurement
from portal.qr import qr_data_uri

from .conftest import make_checkup

pytestmark = pytest.mark.django_db


def _csv(client: Client) -> list[list[str]]:
    response = client.get(reverse("portal:download_csv"))
    assert response.content.startswith("\ufeff".encode())  # BOM: Excel opens UTF-8 as is
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_csv_is_japanese_in_the_japanese_ui(client_a: Client, world) -> None:
    make_checkup(world.person_a, dt.date(2025, 6, 2), ldl=Decimal("174"))
    make_checkup(world.person_a, dt.date(2025, 10, 1), program="030")
    SelfMeasurement.objects.create(person=world.person_a, measured_on=dt.date(2026, 1, 5), weight_kg=Decimal("70.1"))
    rows = _csv(client_a)
    assert rows[0] == ["年度", "健診日", "種類", "項目", "値", "単位", "判定", "保健指導判定値", "受診勧奨判定値"]
    (ldl,) = [r for r in rows if r[3] == "LDLコレステロール" and r[2] == "特定健診"]
    assert ldl == ["2025", "2025-06-02", "特定健診", "LDLコレステロール", "174.0", "mg/dl", "受診勧奨判定値",
                   "120 mg/dl 以上", "140 mg/dl 以上"]  # fmt: skip
    assert any(r[2] == "事業主健診" for r in rows)  # the one name for employer checkups
    assert ["2025", "2026-01-05", "本人記録", "体重", "70.1", "kg", "", "", ""] in rows
    text = "\n".join(",".join(r) for r in rows)
    for english in ("fiscal_year", "band", "normal", "referral", "010", "030", "self_weight_kg"):
        assert english not in text


def test_csv_is_english_in_the_english_ui(client_a: Client, world) -> None:
    make_checkup(world.person_a, dt.date(2025, 6, 2), ldl=Decimal("174"))
    client_a.post("/i18n/setlang/", {"language": "en", "next": "/me/"})
    rows = _csv(client_a)
    assert rows[0] == ["Fiscal year", "Checkup date", "Type", "Item", "Value", "Unit", "Judgment", "Guidance level",
                       "Referral level"]  # fmt: skip
    assert any(r[3] == "LDL cholesterol" and r[6] == "Referral level" for r in rows)


def test_the_letter_has_issue_date_help_desk_site_name_and_a_qr_code(alice_client: Client, help_desks) -> None:
    world = help_desks
    url = reverse("admin:portal_invitation_issue_for", args=[world.person_a.pk])
    body = alice_client.post(url, {"person": world.person_a.pk}, follow=True).content.decode()
    today = timezone.localdate()
    assert f"{today.year}年{today.month}月{today.day}日" in body  # issue date
    assert "「わたしの健診」ご利用登録のご案内" in body and "本人向けページ" not in body
    assert "03-1111-2222" in body and "けんぽ相談室" in body and "06-9999-8888" not in body
    register_url = "http://testserver/register/"
    assert f'src="{qr_data_uri(register_url)}"' in body  # the address only: no code, no name in the QR
    code = body.split('class="code">')[1].split("<")[0]
    assert qr_data_uri(register_url) != qr_data_uri(f"{register_url}?code={code}")
