"""医療機関持参用文書 (issue #18): the person's values of that checkup with the standard values, the medication answers
and room for the doctor's reply — for the person, and for staff (access-logged, scoped to their insurer)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from members.models import AccessLog

from .conftest import make_checkup

pytestmark = pytest.mark.django_db


def _checkup(world):
    return make_checkup(world.person_a, dt.date(2025, 6, 2), ldl=Decimal("174"), med_blood_pressure=1)


def test_the_person_prints_the_document_of_a_year(client_a: Client, world, help_desks) -> None:
    _checkup(world)
    response = client_a.get(reverse("portal:document", args=[2025]))
    body = response.content.decode()
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert "医療機関持参用文書" in body and "2025年6月2日の特定健診" in body
    assert "LDLコレステロール" in body and "174" in body and "140 mg/dl 以上" in body  # value next to its standard
    assert "<strong>受診勧奨</strong>" in body
    assert "血圧を下げる薬" in body and "<strong>はい</strong>" in body  # Q1 answered yes
    assert "医療機関記入欄" in body and "医師名" in body  # the doctor's reply
    assert "診断や服薬開始の基準ではありません" in body
    assert "03-1111-2222" in body and "06-9999-8888" not in body  # the person's insurer's help desk only
    assert "@page" not in body  # print CSS lives in portal.css (A4, @media print)


def test_another_persons_year_is_404(client_b: Client, world) -> None:
    _checkup(world)
    assert client_b.get(reverse("portal:document", args=[2025])).status_code == 404


def test_staff_print_the_same_document_and_it_is_logged(alice_client: Client, world) -> None:
    checkup = _checkup(world)
    change = alice_client.get(reverse("admin:members_insuredperson_change", args=[world.person_a.pk])).content.decode()
    url = reverse("portal_staff:doctor_document", args=[world.person_a.pk])
    assert url in change  # the one link on the person page
    before = AccessLog.objects.filter(person=world.person_a).count()
    response = alice_client.get(url)
    body = response.content.decode()
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert "医療機関持参用文書" in body and "174" in body and "加入者の画面に戻る" in body
    log = AccessLog.objects.filter(person=world.person_a).order_by("-at", "-pk").first()
    assert AccessLog.objects.filter(person=world.person_a).count() == before + 1
    assert log.action == AccessLog.Action.ADMIN_VIEW and log.target == f"doctor_document:{checkup.pk}"


def test_staff_of_another_insurer_get_404(world, bob) -> None:
    _checkup(world)
    client = Client()
    client.force_login(bob)
    assert client.get(reverse("portal_staff:doctor_document", args=[world.person_a.pk])).status_code == 404
    assert client.get(reverse("portal_staff:doctor_document_year", args=[world.person_a.pk, 2025])).status_code == 404
    assert not AccessLog.objects.filter(person=world.person_a).exists()


def test_staff_document_needs_the_admin_login(client: Client, world) -> None:
    _checkup(world)
    response = client.get(reverse("portal_staff:doctor_document", args=[world.person_a.pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_year_page_marks_referral_values_and_links_the_document(client_a: Client, world) -> None:
    _checkup(world)
    body = client_a.get(reverse("portal:checkup_year", args=[2025])).content.decode()
    assert "医療機関での相談をおすすめする値があります" in body
    assert "すでに通院中の方は" in body  # Q1: already on blood-pressure medicine
    assert reverse("portal:document", args=[2025]) in body
    assert "ほかの検査結果と合わせて、LDLコレステロールについて医療機関で相談しましょう。" in body  # feedback by level
