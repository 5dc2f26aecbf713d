"""The guidance page says the right thing (issue #18): each programme with its fiscal year, a change only against
its own checkup, the 2 cm・2 kg goal in kg and cm without points, 初回未完了 explained, the weight log's checks."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from guidance.codes import ContactForm, ContactKind, ProgrammeLevel, ProgrammeStatus
from guidance.models import Programme
from portal.models import SelfMeasurement

from ..factories import ContactFactory, ProgrammeFactory
from .conftest import make_checkup

pytestmark = pytest.mark.django_db


def _programme(checkup, level=ProgrammeLevel.INTENSIVE, status=ProgrammeStatus.NOT_STARTED, **extra) -> Programme:
    return ProgrammeFactory(checkup=checkup, person=checkup.person, insurer=checkup.insurer,
                            fiscal_year=checkup.fiscal_year, level=level, status=status, **extra)  # fmt: skip


def _kazoku(world) -> None:
    """demo-kazoku on main: last year's programme never started, this year 情報提供, this year's own log."""
    person = world.person_a
    last_year = make_checkup(person, dt.date(2025, 6, 2), weight_kg=Decimal("89.3"), waist_cm=Decimal("99.6"))
    assert last_year.guidance_level == 1
    _programme(last_year)
    this_year = make_checkup(person, dt.date(2026, 6, 3), weight_kg=Decimal("62.2"), waist_cm=Decimal("78.0"),
                             triglycerides_fasting=Decimal("90"), hba1c=Decimal("5.2"), systolic_1=Decimal("118"),
                             systolic_2=Decimal("118"))  # fmt: skip
    assert this_year.guidance_level == 3
    for day, kg in ((dt.date(2026, 9, 9), "61.9"), (dt.date(2026, 11, 18), "60.4")):
        SelfMeasurement.objects.create(person=person, measured_on=day, weight_kg=Decimal(kg))


def test_a_past_programme_shows_its_year_and_says_it_is_past(client_a: Client, world) -> None:
    _kazoku(world)
    body = client_a.get(reverse("portal:guidance")).content.decode()
    assert "2026年度:<strong>なし(情報提供)</strong>" in body
    assert "2025年度の保健指導" in body and "2025年6月2日の特定健診" in body
    assert "始まらないまま、新しい年度の健診結果が届きました" in body
    assert "「2cm・2kg」の目標" not in body and "ポイント" not in body  # no goal, no points: it never started


def test_a_change_is_only_computed_against_its_own_checkup(client_a: Client, world) -> None:
    _kazoku(world)
    body = client_a.get(reverse("portal:guidance")).content.decode()
    assert "-28.9" not in body and "−28.9" not in body  # this year's log minus last year's checkup: meaningless
    assert "健診時からの体重の変化" not in body
    assert "2026年6月3日の特定健診の体重 62.2 kg から −1.8 kg" in body


def test_the_home_page_names_the_programme_year(client_a: Client, world) -> None:
    _kazoku(world)
    body = client_a.get(reverse("portal:me")).content.decode()
    assert "2025年度の保健指導(積極的支援):未開始" in body and "始まらないまま" in body


def test_the_goal_is_in_kg_and_cm_for_this_person_with_no_points(client_a: Client, world) -> None:
    checkup = make_checkup(world.person_a, dt.date(2025, 6, 2), weight_kg=Decimal("89.3"), waist_cm=Decimal("99.6"),
                           meal_timing=2)  # fmt: skip
    _programme(checkup, level=ProgrammeLevel.MOTIVATIONAL, status=ProgrammeStatus.IN_PROGRESS,
               initial_on=dt.date(2025, 7, 1))  # fmt: skip
    Programme.objects.filter(checkup=checkup).update(level=ProgrammeLevel.MOTIVATIONAL)
    body = client_a.get(reverse("portal:guidance")).content.decode()
    assert "動機付け支援でも目安" in body
    assert "<strong>87.3 kg 以下</strong>" in body and "<strong>97.6 cm 以下</strong>" in body
    assert "ポイント" not in body  # points do not count for 動機付け支援
    assert "× 0.024 =" not in body  # 2.1432 > 2: the 2 kg rule, no arithmetic to get wrong


def test_the_proportional_goal_shows_exact_arithmetic_and_the_rounding(client_a: Client, world) -> None:
    checkup = make_checkup(world.person_a, dt.date(2025, 6, 2), weight_kg=Decimal("63.7"), waist_cm=Decimal("90.0"))
    _programme(checkup, status=ProgrammeStatus.IN_PROGRESS, initial_on=dt.date(2025, 7, 1))
    body = client_a.get(reverse("portal:guidance")).content.decode()
    assert "63.7 kg × 0.024 = 1.5288" in body
    assert "1.5288 を切り上げた 1.6 以上" in body
    assert "<strong>62.1 kg 以下</strong>" in body and "<strong>88.4 cm 以下</strong>" in body
    assert "積極的支援のポイント" in body  # points for 積極的支援, apart from the goal


def test_initial_incomplete_says_part_two_is_still_to_come(client_a: Client, world) -> None:
    checkup = make_checkup(world.person_a, dt.date(2025, 6, 2))
    programme = _programme(checkup, status=ProgrammeStatus.INITIAL_INCOMPLETE)
    ContactFactory(programme=programme, kind=ContactKind.INITIAL_PART1, form=ContactForm.INDIVIDUAL_IN_PERSON,
                   date=dt.date(2025, 6, 2), minutes=15)  # fmt: skip
    body = client_a.get(reverse("portal:guidance")).content.decode()
    assert "初回未完了" in body and "初回面接①" in body
    assert "2回目(初回面接②)は、健診の結果がすべてそろってから行います" in body


def test_referral_values_are_flagged_on_home_and_guidance_pages(client_a: Client, world) -> None:
    make_checkup(world.person_a, dt.date(2026, 6, 3), ldl=Decimal("174"), waist_cm=Decimal("80"),
                 weight_kg=Decimal("62.0"))  # fmt: skip
    for name in ("portal:me", "portal:guidance"):
        body = client_a.get(reverse(name)).content.decode()
        assert "医療機関での相談をおすすめする値があります" in body, name
        assert "LDLコレステロール 174" in body
        assert "すぐに薬による治療が始まるとは限りません" in body  # the 4th-period note
        assert reverse("portal:document", args=[2026]) in body
    home = client_a.get(reverse("portal:me")).content.decode()
    assert home.index("医療機関での相談をおすすめする値があります") < home.index('id="h-results"')  # said first


# --- the weight log -----------------------------------------------------------------------------------------------


def _post(client: Client, **data: str):
    return client.post(reverse("portal:self_log_add"), data)


@pytest.mark.parametrize(
    "data",
    [
        {"measured_on": "1900-01-01", "weight_kg": "70"},  # before the first checkup's fiscal year
        {"measured_on": "2999-01-01", "weight_kg": "70"},  # the future
        {"measured_on": "{today}", "weight_kg": "19.9"},  # below the checkup item's range (SPEC §5.8)
        {"measured_on": "{today}", "weight_kg": "300.1"},
        {"measured_on": "{today}", "weight_kg": "500"},
        {"measured_on": "{today}", "waist_cm": "39.9"},
    ],
)
def test_implausible_entries_are_refused_at_the_form(client_a: Client, world, data: dict) -> None:
    make_checkup(world.person_a, dt.date(2024, 6, 3))
    data = {k: v.format(today=timezone.localdate().isoformat()) for k, v in data.items()}
    response = _post(client_a, **data)
    body = response.content.decode()
    assert response.status_code == 400
    assert not SelfMeasurement.objects.exists()
    assert 'src="/static/portal/forms.js"' in body  # brings the summary into view, focuses the field
    assert 'role="alert"' in body and "記録できませんでした" in body
    field = next(name for name in ("measured_on", "weight_kg", "waist_cm") if f'id="id_{name}_error"' in body)
    tag = body.split(f'id="id_{field}"')[0].rsplit("<input", 1)[1] + body.split(f'id="id_{field}"')[1].split(">")[0]
    assert "autofocus" in tag and 'aria-invalid="true"' in tag
    for value in data.values():
        assert f'value="{value}"' in body  # what was typed stays


def test_dates_start_with_the_first_checkups_fiscal_year(client_a: Client, world) -> None:
    make_checkup(world.person_a, dt.date(2024, 6, 3), weight_kg=Decimal("70.0"))
    assert _post(client_a, measured_on="2024-03-31", weight_kg="70.0").status_code == 400
    assert _post(client_a, measured_on="2024-04-01", weight_kg="70.0").status_code == 302
    assert 'min="2024-04-01"' in client_a.get(reverse("portal:guidance")).content.decode()


def test_a_value_far_from_the_last_one_is_asked_again(client_a: Client, world) -> None:
    SelfMeasurement.objects.create(person=world.person_a, measured_on=timezone.localdate(), weight_kg=Decimal("62.0"))
    today = timezone.localdate().isoformat()
    assert _post(client_a, measured_on=today, weight_kg="61.0").status_code == 302  # near the last one: no question
    response = _post(client_a, measured_on=today, weight_kg="20.0")  # a typo for 70.0, say
    body = response.content.decode()
    assert response.status_code == 400 and "大きく変わっています" in body and 'name="confirmed"' in body
    assert "61.0 kg" in body  # the last value, to compare with
    assert SelfMeasurement.objects.count() == 2
    assert _post(client_a, measured_on=today, weight_kg="20.0", confirmed="on").status_code == 302
    assert SelfMeasurement.objects.filter(weight_kg=Decimal("20.0")).exists()


def test_kg_and_cm_have_their_own_chart_axes(client_a: Client, world) -> None:
    SelfMeasurement.objects.create(person=world.person_a, measured_on=timezone.localdate(), weight_kg=Decimal("62.0"),
                                   waist_cm=Decimal("80.0"))  # fmt: skip
    body = client_a.get(reverse("portal:guidance")).content.decode()
    charts = json.loads(body.split('<script id="chart-data" type="application/json">')[1].split("</script>")[0])
    (chart,) = charts
    assert [(a["id"], a["position"]) for a in chart["axes"]] == [("kg", "left"), ("cm", "right")]
    assert [d["axis"] for d in chart["datasets"]] == ["kg", "cm"]


def test_delete_asks_first(client_a: Client, world) -> None:
    entry = SelfMeasurement.objects.create(person=world.person_a, measured_on=dt.date(2026, 11, 10),
                                           weight_kg=Decimal("62.0"))  # fmt: skip
    url = reverse("portal:self_log_delete", args=[entry.public_id])
    assert f'href="{url}"' in client_a.get(reverse("portal:guidance")).content.decode()  # a link, not a delete
    page = client_a.get(url).content.decode()
    assert "この記録を削除しますか" in page and "2026年11月10日" in page and "62.0 kg" in page
    assert SelfMeasurement.objects.filter(pk=entry.pk).exists()
    response = client_a.post(url)
    assert response.status_code == 302 and response["Location"].endswith("#log")
    assert not SelfMeasurement.objects.filter(pk=entry.pk).exists()


def test_dates_are_written_in_japanese(client_a: Client, world) -> None:
    make_checkup(world.person_a, dt.date(2025, 11, 10))
    body = client_a.get(reverse("portal:checkup_year", args=[2025])).content.decode()
    assert "2025年11月10日" in body and "2025-11-10" not in body
    client_a.post("/i18n/setlang/", {"language": "en", "next": "/me/"})
    assert "Nov. 10, 2025" in client_a.get(reverse("portal:checkup_year", args=[2025])).content.decode()


CLOSED = dt.date(2025, 10, 1)


@pytest.mark.parametrize(
    ("status", "extra", "words"),
    [
        (ProgrammeStatus.COMPLETED, {"completed_on": CLOSED}, "この保健指導は終了しました。"),
        (ProgrammeStatus.DROPPED_OUT, {"dropped_out_on": CLOSED, "dropout_reason": "declined"}, "途中で終了しました"),
        (ProgrammeStatus.EXCLUDED, {"excluded_on": CLOSED, "excluded_cause": "medication_after_checkup"},
         "特定保健指導の対象外になりました"),
    ],
)  # fmt: skip
def test_a_closed_programme_says_so_and_sets_no_goal(client_a: Client, world, status, extra, words) -> None:
    checkup = make_checkup(world.person_a, dt.date(2025, 6, 2))
    _programme(checkup, status=status, initial_on=dt.date(2025, 7, 1), **extra)
    body = client_a.get(reverse("portal:guidance")).content.decode()
    assert "2025年度の保健指導" in body and words in body
    assert "「2cm・2kg」の目標" not in body
