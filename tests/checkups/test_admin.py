"""Staff admin of checkups: scoped list and filters, report-like detail page, corrections, restratify action."""

import datetime as dt

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from checkups.codes import GuidanceLevel, Source
from checkups.models import Checkup, CheckupCorrection
from infra.i18n import in_page_language
from intake.services import checkup_store
from members.models import AccessLog
from tests.checkups.documents import document
from tests.factories import EmployerFactory, PersonFactory

LIST_URL = reverse("admin:checkups_checkup_changelist")
WAIST = "9N016160100000001"


def _change_url(checkup: Checkup) -> str:
    return reverse("admin:checkups_checkup_change", args=[checkup.pk])


@pytest.fixture
def checkup_a(world) -> Checkup:
    # waist 88, BP mean 131, fasting glucose 104 → group A, 2 risks → 積極的支援 (tests/checkups/documents.py)
    return checkup_store(person=world.person_a, document=document(world.person_a), source=Source.CLINIC_API)[0]


@pytest.fixture
def checkup_b(world) -> Checkup:
    return checkup_store(person=world.person_b, document=document(world.person_b), source=Source.CLINIC_API)[0]


def test_list_shows_only_own_insurer(alice_client, checkup_a, checkup_b) -> None:
    response = alice_client.get(LIST_URL)
    assert response.status_code == 200
    shown = {c.pk for c in response.context["cl"].result_list}
    assert shown == {checkup_a.pk}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"fiscal_year": "2025"}, True),
        ({"fiscal_year": "2024"}, False),
        ({"guidance_level__exact": str(GuidanceLevel.INTENSIVE)}, True),
        ({"guidance_level__exact": str(GuidanceLevel.MOTIVATIONAL)}, False),
        ({"metabolic_judgment__exact": "2"}, True),
        ({"metabolic_judgment__exact": "1"}, False),
        ({"age_band": "40-64"}, True),  # born 1970-01-01: 56 at the end of FY2025
        ({"age_band": "65-74"}, False),
        ({"age_band": "u40"}, False),
        ({"sex": "1"}, True),
        ({"sex": "2"}, False),
        ({"medication_excluded__exact": "0"}, True),
        ({"medication_excluded__exact": "1"}, False),
        ({"clinic_mismatch__exact": "1"}, False),
        ({"consecutive_intensive_eligible__exact": "0"}, True),
        ({"counts_for_fiscal_year__exact": "1"}, True),
        ({"q": "111"}, True),
        ({"q": "テストタロウ"}, True),
        ({"q": "999"}, False),
    ],
)
def test_list_filters(alice_client, checkup_a, checkup_b, query: dict, expected: bool) -> None:
    response = alice_client.get(LIST_URL, query)
    assert response.status_code == 200
    assert ({c.pk for c in response.context["cl"].result_list} == {checkup_a.pk}) is expected


def test_employer_filter_offers_own_employers_only(alice_client, world, checkup_a) -> None:
    own = EmployerFactory(insurer=world.insurer_a, code="E100", name="自社工場")
    EmployerFactory(insurer=world.insurer_b, code="E200", name="他組合の事業所")
    world.person_a.employer = own
    world.person_a.save()
    response = alice_client.get(LIST_URL, {"employer": str(own.pk)})
    assert [c.pk for c in response.context["cl"].result_list] == [checkup_a.pk]
    page = response.content.decode()
    assert "自社工場" in page and "他組合の事業所" not in page


def test_list_does_not_query_per_row(alice_client, world) -> None:
    employer = EmployerFactory(insurer=world.insurer_a)

    def count_for(n: int) -> int:
        for i in range(n):
            person = PersonFactory(insurer=world.insurer_a, employer=employer, birth_date=dt.date(1965, 5, 5))
            checkup_store(
                person=person, document=document(person, exam_date=dt.date(2025, 5, 1 + i)), source=Source.CLINIC_API
            )
        with CaptureQueriesContext(connection) as queries:
            assert alice_client.get(LIST_URL).status_code == 200
        return len(queries)

    assert count_for(2) == count_for(5)


def test_other_insurers_checkup_is_404(alice_client, checkup_b) -> None:
    assert alice_client.get(_change_url(checkup_b)).status_code == 404
    assert alice_client.post(reverse("admin:checkups_checkup_correct", args=[checkup_b.pk]), {}).status_code == 404


def test_detail_page_report(alice_client, alice, checkup_a) -> None:
    response = alice_client.get(_change_url(checkup_a))
    assert response.status_code == 200
    page = response.content.decode()
    for title in ("身体計測", "血圧", "脂質", "肝機能", "血糖", "尿検査"):
        assert f"<caption>{title}</caption>" in page
    # SPEC §8: fasting glucose 104 ≥ 100 (保健指導判定値), < 126; systolic 134 < 140; marked by class and words
    assert 'class="band-guidance"' in page and "保健指導判定値" in page
    assert "受診勧奨判定値 126 mg/dl 以上" in page
    # questionnaire as text (SPEC §4): Q8 = 3 いいえ, Q1 = 2 いいえ; unanswered items say so
    assert "現在、たばこを習慣的に吸っていますか。" in page
    assert "未回答" in page
    # explanation in words and the level
    summary = response.context["summary"]
    assert summary.level == "積極的支援"
    assert summary.stratification and any("グループA" in line for line in summary.stratification)
    assert "グループA" in page
    log = AccessLog.objects.get(person=checkup_a.person)
    assert (log.action, log.target, log.user_id) == (AccessLog.Action.ADMIN_VIEW, f"checkup:{checkup_a.pk}", alice.pk)


def test_detail_marks_referral_level(alice_client, world) -> None:
    doc = document(world.person_a, items={"3D010000001926101": "130", "9A751000000000001": "150"})
    checkup = checkup_store(person=world.person_a, document=doc, source=Source.CLINIC_API)[0]
    page = alice_client.get(_change_url(checkup)).content.decode()
    assert 'class="band-referral"' in page
    assert "▲▲ 受診勧奨判定値" in page


def test_detail_shows_clinic_mismatch(alice_client, world) -> None:
    doc = document(world.person_a, items={"9N506000000000011": ("CD", "2", "", "1.2.392.200119.6.3001")})
    checkup = checkup_store(person=world.person_a, document=doc, source=Source.CLINIC_API)[0]
    response = alice_client.get(_change_url(checkup))
    assert response.context["summary"].clinic_level == "動機付け支援"
    assert "当組合の判定と異なります" in response.content.decode()


def test_correction_recomputes_level_and_keeps_history(alice_client, alice, checkup_a) -> None:
    assert checkup_a.guidance_level == GuidanceLevel.INTENSIVE
    url = reverse("admin:checkups_checkup_correct", args=[checkup_a.pk])
    response = alice_client.post(url, {"item_code": WAIST, "value": "80.0", "reason": "転記ミス"})
    assert response.status_code == 302
    checkup_a.refresh_from_db()
    # waist 80 < 85 and BMI 24.9 < 25: neither group → 情報提供 (SPEC §2.2)
    assert checkup_a.guidance_level == GuidanceLevel.INFORMATION
    correction = CheckupCorrection.objects.get(checkup=checkup_a)
    assert (correction.old_value["value"], correction.new_value["value"]) == ("88.0", "80.0")
    assert correction.corrected_by == alice
    page = alice_client.get(_change_url(checkup_a)).content.decode()
    assert "転記ミス" in page and WAIST in page


def test_correction_refusal_shows_the_rule(alice_client, checkup_a) -> None:
    url = reverse("admin:checkups_checkup_correct", args=[checkup_a.pk])
    response = alice_client.post(url, {"item_code": "9N736000000000011", "value": "7", "reason": "x"})
    assert response.status_code == 400
    page = response.content.decode()
    refusals = response.context["refusals"]
    # in the page's language only, without the rule's code (the API answer carries both languages and the code)
    with translation.override("ja"):
        shown = in_page_language(refusals[0])
    assert refusals and escape(shown) in page and escape(refusals[0].message_en) not in page
    assert "喫煙" in shown and "SPEC" not in shown and "9N736000000000011" not in shown
    assert refusals[0].code not in page
    checkup_a.refresh_from_db()
    assert checkup_a.smoking == 3
    assert not CheckupCorrection.objects.exists()


def test_correction_refusal_in_english_shows_only_the_english_message(alice_client, checkup_a) -> None:
    alice_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("admin:checkups_checkup_correct", args=[checkup_a.pk])
    response = alice_client.post(url, {"item_code": "9N736000000000011", "value": "7", "reason": "x"})
    page = response.content.decode()
    refusal = response.context["refusals"][0]
    assert response.status_code == 400
    with translation.override("en"):
        shown = in_page_language(refusal)
    assert escape(shown) in page and escape(refusal.message_ja) not in page


def test_restratify_action_recomputes_the_year(alice_client, checkup_a, django_capture_on_commit_callbacks) -> None:
    Checkup.objects.filter(pk=checkup_a.pk).update(guidance_level=GuidanceLevel.UNDETERMINED)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = alice_client.post(LIST_URL, {"action": "restratify_action", "_selected_action": [str(checkup_a.pk)]})
    assert response.status_code == 302
    assert len(callbacks) == 1  # one task per fiscal year and insurer (eager Celery in tests)
    checkup_a.refresh_from_db()
    assert checkup_a.guidance_level == GuidanceLevel.INTENSIVE
