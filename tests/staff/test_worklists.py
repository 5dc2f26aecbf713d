"""Work lists that act (issue #16): rows open the person and the programme; filters and sort; disjoint categories
with counts; 40 of 180 points is not 実績評価待ち; bulk assignment; the CSV is exactly what is shown; constant
queries."""

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from guidance.codes import ContactForm, ContactKind, DropoutReason
from guidance.models import Programme
from guidance.services import contact_add, programme_drop_out, programmes_refresh
from members.actors import actor_for_user
from rates.lookahead import programme_list_counts
from rates.services import rate_snapshot_compute_now
from rates.worklist_counts import worklist_count, worklist_counts
from rates.worklists import KINDS
from tests.factories import EmployerFactory, GuidanceProviderFactory, PersonFactory, staff_user
from tests.guidance.conftest import make_programme

TODAY = dt.date(2026, 11, 26)  # FY2026: the lists depend on the date
PARAMS = {"insurer": "06999999", "fiscal_year": "2026"}


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: TODAY)


def url(kind: str) -> str:
    return reverse("admin:rates_worklist", kwargs={"kind": kind})


def _contact(programme, nurse, kind, form, day, minutes) -> None:
    contact_add(programme=programme, data={"kind": kind, "form": form, "date": day, "minutes": minutes},
                actor=actor_for_user(nurse), today=TODAY)  # fmt: skip


@pytest.fixture
def lists(world):
    """Three programmes of FY2026: not started (finishable), 40 of 180 points (finishable, not at risk) and no
    contact for over 60 days (at risk)."""
    nurse = staff_user(world.insurer_a, "nurse")
    employer = EmployerFactory(insurer=world.insurer_a, name="架空製作所")
    other_employer = EmployerFactory(insurer=world.insurer_a, name="架空フーズ")
    fresh = make_programme(PersonFactory(insurer=world.insurer_a, name_kana="アオキ ハナコ", employer=employer),
                           exam_date=dt.date(2026, 10, 1), today=TODAY)  # fmt: skip
    forty = make_programme(PersonFactory(insurer=world.insurer_a, name_kana="イトウ ジロウ", employer=other_employer),
                           exam_date=dt.date(2026, 10, 1), today=TODAY)  # fmt: skip
    _contact(forty, nurse, ContactKind.INITIAL, ContactForm.INDIVIDUAL_IN_PERSON, dt.date(2026, 10, 5), 30)  # +10
    _contact(forty, nurse, ContactKind.CONTINUOUS, ContactForm.TELEPHONE, dt.date(2026, 11, 5), 10)  # +30
    late = make_programme(PersonFactory(insurer=world.insurer_a, name_kana="ウエダ サブロウ", employer=employer),
                          exam_date=dt.date(2026, 5, 1), today=TODAY)  # fmt: skip
    _contact(late, nurse, ContactKind.INITIAL, ContactForm.INDIVIDUAL_IN_PERSON, dt.date(2026, 5, 20), 30)
    programmes_refresh(programme_ids=[fresh.pk, forty.pk, late.pk], today=TODAY)
    return {"fresh": fresh, "forty": Programme.objects.get(pk=forty.pk), "late": late, "nurse": nurse,
            "employer": employer}  # fmt: skip


def _ids(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


def test_categories_are_disjoint_and_counted(lists, world, alice_client) -> None:
    finishable = _ids(KINDS["finishable"].queryset(insurer_id=world.insurer_a.pk, fiscal_year=2026, today=TODAY))
    at_risk = _ids(KINDS["at-risk"].queryset(insurer_id=world.insurer_a.pk, fiscal_year=2026, today=TODAY))
    assert finishable == {lists["fresh"].pk, lists["forty"].pk} and at_risk == {lists["late"].pk}
    html = alice_client.get(url("finishable"), PARAMS).content.decode()
    assert 'class="staff-count">2<' in html and 'class="staff-count">1<' in html  # the tabs say how many


def test_both_programme_counts_in_one_query_are_the_lists_rows(lists, world, django_assert_num_queries) -> None:
    with django_assert_num_queries(1):
        counts = programme_list_counts(insurer_id=world.insurer_a.pk, fiscal_year=2026, today=TODAY)
    for kind in ("finishable", "at-risk"):
        listed = KINDS[kind].queryset(insurer_id=world.insurer_a.pk, fiscal_year=2026, today=TODAY)
        assert counts[kind] == listed.count()


def _rows(world, kind: str) -> int:
    return KINDS[kind].queryset(insurer_id=world.insurer_a.pk, fiscal_year=2026, today=TODAY).count()


def test_a_small_insurers_counts_stay_live_with_a_rate_snapshot(lists, world, alice_client) -> None:
    """Counting is cheap below LIVE_COUNT_MAX_ROWS: the tabs count live even where a snapshot exists, so a contact
    recorded a minute ago moves its programme off the counts at once."""
    rate_snapshot_compute_now(insurer=world.insurer_a, fiscal_year=2026, today=TODAY)
    programme_drop_out(programme=lists["late"], reason=DropoutReason.UNREACHABLE, date=TODAY,
                       actor=actor_for_user(lists["nurse"]), today=TODAY)  # fmt: skip
    counts = worklist_counts(insurer_id=world.insurer_a.pk, fiscal_year=2026, today=TODAY)
    assert {kind: (c.count, c.as_of) for kind, c in counts.items()} == {
        kind: (_rows(world, kind), None) for kind in KINDS
    }
    assert counts["at-risk"].count == 0 and counts["finishable"].count == 2  # late has left the lists


def test_a_large_insurers_counts_are_the_snapshots_and_say_when(lists, world, alice_client, monkeypatch) -> None:
    """Above LIVE_COUNT_MAX_ROWS rows to visit (a large insurer), each tab shows the latest rate snapshot's count,
    counted with the list's own rule, labelled with its time; the list itself stays live."""
    monkeypatch.setattr("rates.worklist_counts.LIVE_COUNT_MAX_ROWS", 0)
    rows = {kind: _rows(world, kind) for kind in KINDS}
    assert rows["no-checkup"] > 0 and rows["finishable"] == 2 and rows["at-risk"] == 1
    live = worklist_counts(insurer_id=world.insurer_a.pk, fiscal_year=2026, today=TODAY)
    assert all(c.as_of is None for c in live.values())  # no snapshot yet: live whatever the size
    snapshot = rate_snapshot_compute_now(insurer=world.insurer_a, fiscal_year=2026, today=TODAY)
    counted = worklist_counts(insurer_id=world.insurer_a.pk, fiscal_year=2026, today=TODAY)
    assert {kind: (c.count, c.as_of) for kind, c in counted.items()} == {
        kind: (n, snapshot.computed_at) for kind, n in rows.items()
    }
    one = worklist_count(kind="at-risk", insurer_id=world.insurer_a.pk, fiscal_year=2026, today=TODAY)
    assert (one.count, one.as_of) == (1, snapshot.computed_at)
    html = alice_client.get(url("finishable"), PARAMS).content.decode()
    assert f'class="staff-count">{rows["no-checkup"]}<' in html and "時点" in html
    page = alice_client.get(url("no-checkup"), PARAMS)
    assert (
        len(page.context["rows"]) == min(rows["no-checkup"], 50) and page.context["total"].count == rows["no-checkup"]
    )
    assert "時点の実施率の集計" in page.content.decode()
    home = alice_client.get(reverse("admin:index")).content.decode()
    assert "時点の集計" in home


def test_forty_of_180_points_is_not_waiting_for_the_final_evaluation(lists, alice_client) -> None:
    assert lists["forty"].total_points == 40 and lists["forty"].next_action == "final_evaluation_due"
    response = alice_client.get(url("finishable"), PARAMS)
    row = next(r for r in response.context["rows"] if r["programme"].pk == lists["forty"].pk)
    assert row["next"] == "支援継続(ポイント不足)"
    body = _csv(alice_client.get(url("finishable"), {**PARAMS, "format": "csv"}))
    assert "実績評価待ち" not in "".join(",".join(r) for r in body)


def test_rows_link_to_the_person_and_the_programme(lists, alice_client) -> None:
    html = alice_client.get(url("at-risk"), PARAMS).content.decode()
    late = lists["late"]
    assert reverse("admin:members_insuredperson_change", args=[late.person_id]) in html
    assert reverse("admin:guidance_programme_change", args=[late.pk]) in html
    nc = alice_client.get(url("no-checkup"), PARAMS).content.decode()
    assert reverse("admin:members_insuredperson_change", args=[KINDS["no-checkup"].queryset(
        insurer_id=lists["late"].insurer_id, fiscal_year=2026, today=TODAY).first().pk]) in nc  # fmt: skip


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_filter_sort_and_csv_of_exactly_what_is_shown(lists, alice_client) -> None:
    query = {**PARAMS, "employer": str(lists["employer"].pk), "sort": "name", "dir": "desc"}
    shown = [r["programme"].pk for r in alice_client.get(url("finishable"), query).context["rows"]]
    assert shown == [lists["fresh"].pk]  # only the employer's programme
    both = alice_client.get(url("finishable"), {**PARAMS, "sort": "name", "dir": "desc"}).context["rows"]
    assert [r["person"].name_kana for r in both] == ["イトウ ジロウ", "アオキ ハナコ"]
    rows = _csv(alice_client.get(url("finishable"), {**PARAMS, "sort": "name", "dir": "desc", "format": "csv"}))
    header = rows[0]
    assert [r[header.index("氏名(カナ)")] for r in rows[1:]] == ["イトウ ジロウ", "アオキ ハナコ"]
    level_rows = _csv(alice_client.get(url("finishable"), {**PARAMS, "staff": "none", "due": "overdue",
                                                            "format": "csv"}))  # fmt: skip
    assert len(level_rows) == 1  # the header only: nothing overdue among the finishable


def test_bulk_assignment(lists, world, alice, alice_client) -> None:
    provider = GuidanceProviderFactory(name="P保健指導センター")
    back = f"{url('finishable')}?insurer=06999999&fiscal_year=2026"
    response = alice_client.post(reverse("admin:rates_worklist_assign", kwargs={"kind": "finishable"}), {
        "programme": [lists["fresh"].pk, lists["forty"].pk], "staff": alice.pk, "provider": provider.pk, "next": back,
    })  # fmt: skip
    assert response.status_code == 302 and response["Location"] == back
    assigned = Programme.objects.filter(assigned_staff=alice, provider=provider)
    assert _ids(assigned) == {lists["fresh"].pk, lists["forty"].pk}


def test_bulk_assignment_never_touches_another_insurers_programme(lists, world, bob) -> None:
    client = Client()
    client.force_login(bob)
    provider = GuidanceProviderFactory(name="P保健指導センター")
    client.post(reverse("admin:rates_worklist_assign", kwargs={"kind": "finishable"}),
                {"programme": [lists["fresh"].pk], "provider": provider.pk})  # fmt: skip
    assert not Programme.objects.filter(provider=provider).exists()


@pytest.mark.parametrize("kind", ["no-checkup", "finishable", "at-risk"])
def test_work_list_queries_are_constant(lists, world, alice_client, kind, django_assert_num_queries) -> None:
    alice_client.get(url(kind), PARAMS)
    with django_assert_num_queries(_expected(kind)):
        alice_client.get(url(kind), PARAMS)
    for _ in range(5):
        make_programme(PersonFactory(insurer=world.insurer_a), exam_date=dt.date(2026, 10, 1), today=TODAY)
        PersonFactory(insurer=world.insurer_a)
    with django_assert_num_queries(_expected(kind)):
        alice_client.get(url(kind), PARAMS)


@pytest.mark.parametrize("kind", ["no-checkup", "finishable", "at-risk"])
def test_work_list_queries_with_a_rate_snapshot(
    lists, world, alice_client, kind, django_assert_num_queries, monkeypatch
) -> None:
    rate_snapshot_compute_now(insurer=world.insurer_a, fiscal_year=2026, today=TODAY)
    alice_client.get(url(kind), PARAMS)
    with django_assert_num_queries(_expected(kind)):  # small: still counted live
        alice_client.get(url(kind), PARAMS)
    monkeypatch.setattr("rates.worklist_counts.LIVE_COUNT_MAX_ROWS", 0)
    with django_assert_num_queries(_expected(kind) - 2):  # large: the three counts are the snapshot's
        alice_client.get(url(kind), PARAMS)


WORKLIST_QUERIES = {
    "no-checkup": 15,
    "finishable": 17,
    "at-risk": 17,
}  # session, actor, insurers, a savepoint around the list's reads (SET LOCAL on PostgreSQL), both programme counts
# in one query, the latest rate snapshot and (none here) the live 未受診 count, page, its release, log, filters


def _expected(kind: str) -> int:
    return WORKLIST_QUERIES[kind] + (0 if connection.vendor == "sqlite" else 2)  # SET LOCAL work_mem, jit
