"""今日の仕事 (issue #16): the staff home at /admin/. Each count links to its filtered list and equals the rows of
that list (followed with the staff test client); only the insurers the staff member sees are counted; a constant
number of queries."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.utils import timezone, translation

from checkups.models import HeldRecord, Upload
from demo.population import DEMO_STAFF_USERNAME
from guidance.codes import ContactForm, ContactKind, ProgrammeLevel
from guidance.models import Programme
from guidance.selectors import final_evaluation_due_q
from guidance.services import contact_add, programmes_refresh
from members.actors import actor_for_user
from members.models import Insurer, StaffMembership
from tests.factories import EmployerFactory, PersonFactory, UploadFactory, staff_user
from tests.guidance.conftest import make_programme

TODAY = dt.date(2026, 11, 26)  # FY2026; this month ends on November 30


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: TODAY)


def _contact(programme: Programme, nurse, kind: str, form: int, day: dt.date, minutes: int) -> None:
    contact_add(programme=programme, data={"kind": kind, "form": form, "date": day, "minutes": minutes},
                actor=actor_for_user(nurse), today=TODAY)  # fmt: skip


def _work(insurer: Insurer, nurse, *, clinic) -> dict[str, Programme]:
    """One of each kind of work for `insurer`: held records, uploads, programmes, an employer that owes data."""
    for reason in ("照合できません", "氏名が一致しません"):
        HeldRecord.objects.create(insurer=insurer, submitted_by_clinic=clinic, source="clinic_api",
                                  document={"insurer_number": insurer.number}, exam_date=dt.date(2026, 10, 1),
                                  reason_ja=reason, reason_en="no match")  # fmt: skip
    HeldRecord.objects.create(insurer=insurer, source="clinic_api", document={}, exam_date=dt.date(2026, 9, 1),
                              reason_ja="照合できません", reason_en="no match",
                              status=HeldRecord.Status.LINKED)  # fmt: skip  # already done: not counted
    UploadFactory(insurer=insurer, status=Upload.Status.DONE, total=5, done=5, accepted=3, rejected=2)
    UploadFactory(insurer=insurer, status=Upload.Status.FAILED)
    UploadFactory(insurer=insurer, status=Upload.Status.DONE, total=5, done=5, accepted=5)  # all taken: not counted
    old = UploadFactory(insurer=insurer, status=Upload.Status.DONE, total=1, done=1, rejected=1)
    long_ago = timezone.make_aware(dt.datetime.combine(TODAY - dt.timedelta(days=40), dt.time(12)))  # not recent
    Upload.objects.filter(pk=old.pk).update(created_at=long_ago)  # 40 days before the fixed TODAY, not the clock
    employer = EmployerFactory(insurer=insurer)

    def person(kana: str):
        return PersonFactory(insurer=insurer, name_kana=kana, employer=employer)

    fresh = make_programme(person("アオキ ハナコ"), exam_date=dt.date(2026, 10, 1), today=TODAY)
    motivational = make_programme(person("イトウ ジロウ"), level=2, exam_date=dt.date(2026, 10, 2), today=TODAY)
    late = make_programme(person("ウエダ サブロウ"), exam_date=dt.date(2026, 5, 1), today=TODAY)
    _contact(late, nurse, ContactKind.INITIAL, ContactForm.INDIVIDUAL_IN_PERSON, dt.date(2026, 5, 20), 30)
    final = make_programme(person("エトウ シロウ"), level=2, exam_date=dt.date(2026, 8, 1), today=TODAY)
    _contact(final, nurse, ContactKind.INITIAL, ContactForm.INDIVIDUAL_IN_PERSON, dt.date(2026, 8, 28), 30)
    _contact(final, nurse, ContactKind.CONTINUOUS, ContactForm.TELEPHONE, dt.date(2026, 10, 20), 10)
    short = make_programme(person("カトウ ロクロウ"), exam_date=dt.date(2026, 8, 1), today=TODAY)
    _contact(short, nurse, ContactKind.INITIAL, ContactForm.INDIVIDUAL_IN_PERSON, dt.date(2026, 8, 28), 30)
    _contact(short, nurse, ContactKind.CONTINUOUS, ContactForm.TELEPHONE, dt.date(2026, 10, 20), 10)
    switched = make_programme(person("オオタ ゴロウ"), exam_date=dt.date(2026, 6, 1), today=TODAY)
    _contact(switched, nurse, ContactKind.INITIAL, ContactForm.INDIVIDUAL_IN_PERSON, dt.date(2026, 11, 10), 30)
    made = (fresh, motivational, late, final, short, switched)
    programmes_refresh(programme_ids=[p.pk for p in made], today=TODAY)
    # a correction changed the checkup's level (SPEC §5.6): the stored next action asks staff to decide
    Programme.objects.filter(pk=switched.pk).update(next_action="level_decision_required", next_action_due=TODAY)
    return {p.person.name_kana: Programme.objects.get(pk=p.pk) for p in made}


@pytest.fixture
def work(world):
    nurse_a, nurse_b = staff_user(world.insurer_a, "nurse-a"), staff_user(world.insurer_b, "nurse-b")
    return {"a": _work(world.insurer_a, nurse_a, clinic=world.clinic_x),
            "b": _work(world.insurer_b, nurse_b, clinic=world.clinic_y)}  # fmt: skip


def _items(client: Client) -> list:
    response = client.get("/admin/")
    assert response.status_code == 200
    return [item for section in response.context["home_sections"] for item in section.items]


def _list_count(client: Client, url: str) -> int:
    """The number of rows of the list a home link opens: a changelist, a work list or the submission status page."""
    response = client.get(url)
    assert response.status_code == 200, url
    context = response.context
    if "cl" in context:
        return context["cl"].result_count
    if "page" in context:
        return context["page"].paginator.count
    return len(context["rows"])


EXPECTED = {  # insurer A's work in the fixture (insurer B has the same, never counted for alice)
    "照合保留の健診結果": 2,
    "記録が拒否されたアップロード": 2,  # rejected records or a refused file, in the last 30 days
    "未開始の積極的支援": 1,
    "未開始の動機付け支援": 1,
    "未開始の動機付け支援相当": 0,
    "60日以上支援していない人": 1,
    "今月末までに実績評価": 1,  # a 積極的支援 short of 180 points continues support first
    "区分変更の判断待ち": 1,
    "終了が危ぶまれる保健指導": 1,
    "事業主健診が未受領の事業所": 1,
}


def test_each_count_is_the_number_of_rows_of_the_list_it_opens(work, alice_client) -> None:
    items = _items(alice_client)
    assert {item.label: item.count for item in items} == EXPECTED
    for item in items:
        assert _list_count(alice_client, item.url) == item.count, item.label


def test_another_insurers_work_is_never_counted(work, world) -> None:
    bob = Client()
    bob.force_login(world.staff_b)
    assert {item.label: item.count for item in _items(bob)} == EXPECTED  # B's own, the same shape as A's
    Programme.objects.filter(insurer=world.insurer_b).update(next_action="contact_overdue")
    HeldRecord.objects.filter(insurer=world.insurer_b).update(status=HeldRecord.Status.HELD)
    alice = Client()
    alice.force_login(world.staff_a)
    assert {item.label: item.count for item in _items(alice)} == EXPECTED


def test_a_staff_member_of_two_insurers_sees_each_insurers_lists(work, world, alice) -> None:
    StaffMembership.objects.create(user=alice, insurer=world.insurer_b, job_title="保健師")
    client = Client()
    client.force_login(alice)
    counts = {item.label: item.count for item in _items(client)}
    assert counts["照合保留の健診結果"] == 4 and counts["未開始の積極的支援"] == 2
    assert counts["終了が危ぶまれる保健指導(A健保)"] == 1 and counts["終了が危ぶまれる保健指導(B健保)"] == 1
    assert counts["事業主健診が未受領の事業所(A健保)"] == 1 and counts["事業主健診が未受領の事業所(B健保)"] == 1
    for item in _items(client):
        assert _list_count(client, item.url) == item.count, item.label


def test_links_say_what_they_open(work, alice_client) -> None:
    html = alice_client.get("/admin/").content.decode()
    assert "<h1>今日の仕事</h1>" in html and "保険者職員メニュー" in html  # the menu of models stays below
    assert '<span class="staff-home-label">未開始の積極的支援</span>' in html
    assert "/admin/guidance/programme/" in html and "/admin/checkups/checkup/" in html  # the app list


@pytest.mark.parametrize(
    ("level", "points", "action", "due", "counted"),
    [
        (ProgrammeLevel.MOTIVATIONAL, 0, "final_evaluation_due", dt.date(2026, 11, 30), True),
        (ProgrammeLevel.MOTIVATIONAL, 0, "final_evaluation_due", dt.date(2026, 12, 1), False),  # next month
        (ProgrammeLevel.MOTIVATIONAL, 0, "final_evaluation_overdue", dt.date(2026, 9, 1), True),
        (ProgrammeLevel.INTENSIVE, 180, "final_evaluation_due", dt.date(2026, 11, 27), True),
        (ProgrammeLevel.INTENSIVE, 179, "final_evaluation_due", dt.date(2026, 11, 27), False),  # support first
        (ProgrammeLevel.MOTIVATIONAL, 0, "contact_overdue", dt.date(2026, 11, 1), False),
    ],
)
def test_final_evaluation_due_this_month(world, level, points, action, due, counted) -> None:
    programme = make_programme(PersonFactory(insurer=world.insurer_a), exam_date=dt.date(2026, 6, 1), today=TODAY)
    Programme.objects.filter(pk=programme.pk).update(level=level, total_points=points, process_points=points,
                                                     outcome_points=0, next_action=action,
                                                     next_action_due=due)  # fmt: skip
    found = Programme.objects.filter(final_evaluation_due_q(by=dt.date(2026, 11, 30)), pk=programme.pk).exists()
    assert found is counted


# session, user, memberships, insurers; held records, uploads; one aggregate of programmes; the at-risk count (the
# latest rate snapshot, then live for a small insurer: rates.worklist_counts); employer data (employers,
# submissions, expected, received, held); 2 permission reads (the app list). No session save: once a minute
# (config.middleware.IdleSessionMiddleware)
HOME_QUERIES = 16


def test_home_queries_are_constant(work, world, alice_client, django_assert_num_queries) -> None:
    alice_client.get("/admin/")
    with django_assert_num_queries(HOME_QUERIES):
        alice_client.get("/admin/")
    employer = EmployerFactory(insurer=world.insurer_a)
    for _ in range(5):
        make_programme(PersonFactory(insurer=world.insurer_a, employer=employer), exam_date=dt.date(2026, 10, 1),
                       today=TODAY)  # fmt: skip
        UploadFactory(insurer=world.insurer_a, status=Upload.Status.FAILED)
    with django_assert_num_queries(HOME_QUERIES):
        alice_client.get("/admin/")


def test_the_home_in_english(work, alice_client) -> None:
    alice_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = alice_client.get("/admin/").content.decode()
    assert "<h1>Today&#x27;s work</h1>" in html and "Not started: " in html and "Insurer staff menu" in html
    assert "Final evaluations due this month" in html and "今月末" not in html


def test_on_the_demo_each_count_is_its_lists_rows(db) -> None:
    with translation.override("ja"):
        call_command("seed_demo", persons=150)
    client = Client()
    client.force_login(get_user_model().objects.get(username=DEMO_STAFF_USERNAME))
    items = _items(client)
    assert sum(item.count for item in items) > 0
    for item in items:
        assert _list_count(client, item.url) == item.count, item.label
