"""Guidance files (hg08, SPEC §9.6): a fiscal year's programmes as g…xml in a 4th-period archive, each file valid
against hg08_V08.xsd, 報告区分 by state, the writer and reader agreeing, queries flat, exports access-logged."""

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.management import call_command

from checkups.mhlw.archive_index import parse_index
from checkups.mhlw.safe_xml import parse_xml, validate_against_xsd
from guidance.behaviour import BehaviourChange
from guidance.codes import ContactForm, ContactKind
from guidance.mhlw.document import GuidanceContactRecord, GuidanceDocument
from guidance.mhlw.items import ITEMS, unconfirmed
from guidance.mhlw.read import parse_guidance_cda
from guidance.mhlw.write import write_guidance_cda
from guidance.mhlw_files import guidance_archive_for_fiscal_year, guidance_files_for_fiscal_year
from guidance.models import Programme
from guidance.services import contact_add, programme_drop_out, programme_exclude, programmes_assign
from members.actors import actor_for_user
from members.models import AccessLog
from tests.factories import PersonFactory
from tests.guidance.conftest import make_programme

EXAM = dt.date(2025, 5, 12)
TODAY = dt.date(2026, 1, 31)
PLAN = {"goals": ["毎日30分歩く", "間食を週2回まで"], "support_plan": "月1回の面接"}


def _add(programme: Programme, actor, **data: object) -> None:
    programme.refresh_from_db()
    contact_add(programme=programme, data=data, actor=actor, today=TODAY)


def _states(world, alice, provider_p) -> dict[str, Programme]:
    """One programme of FY2025 per reportable state, and one not started, through the services."""
    actor = actor_for_user(alice)
    programmes = {}
    for state in ["not_started", "in_progress", "completed", "dropped_out", "initial_incomplete", "excluded"]:
        programmes[state] = make_programme(PersonFactory(insurer=world.insurer_a), exam_date=EXAM, today=TODAY)
    programmes_assign(programme_ids=[p.pk for p in programmes.values()], provider=provider_p, actor=actor)
    initial = {"kind": "initial", "form": 3, "date": EXAM, "minutes": 90, "participants": 6, "action_plan": PLAN}
    for state in ("in_progress", "completed", "dropped_out"):
        _add(programmes[state], actor, **initial)
    completed = programmes["completed"]
    _add(completed, actor, kind="continuous", form=2, date=dt.date(2025, 6, 12), minutes=30, weight_kg="79.0")
    _add(completed, actor, kind="interim", form=5, date=dt.date(2025, 7, 12), minutes=10, systolic_mmhg="128")
    final = {"kind": "final", "form": 1, "date": dt.date(2025, 8, 20), "weight_kg": "78.0", "waist_cm": "93.0"}
    since = [{"category": "diet", "since": "2025-06-01"}, {"category": "smoking", "since": "2025-07-01"}]
    _add(completed, actor, **final, minutes=20, behaviour_changes=since)
    programmes["dropped_out"].refresh_from_db()
    programme_drop_out(
        programme=programmes["dropped_out"], reason="declined", date=dt.date(2025, 7, 1), actor=actor, today=TODAY
    )
    part1 = {"kind": "initial_part1", "form": 1, "date": EXAM, "minutes": 10}
    _add(programmes["initial_incomplete"], actor, **part1)
    programmes["excluded"].refresh_from_db()
    programme_exclude(
        programme=programmes["excluded"],
        cause="medication_after_checkup",
        date=dt.date(2025, 6, 1),
        actor=actor,
        today=TODAY,
    )
    for programme in programmes.values():
        programme.refresh_from_db()
    return programmes


@pytest.fixture
def states(world, alice, provider_p) -> dict[str, Programme]:
    return _states(world, alice, provider_p)


def _documents(files: list[tuple[str, bytes]]) -> dict[str, GuidanceDocument]:
    documents = {}
    for _name, data in files:
        document = parse_guidance_cda(data, parse_xml(data))
        documents[document.card_number] = document
    return documents


def test_every_file_validates_and_carries_the_report_category_of_its_state(world, states) -> None:
    files = guidance_files_for_fiscal_year(world.insurer_a, 2025, created=TODAY)
    assert len(files) == 5  # the not-started programme has nothing to report
    for name, data in files:
        assert name.startswith("g") and len(name) == len("g") + 26 + len(".xml")
        assert validate_against_xsd(parse_xml(data), "hg") == [], name
    documents = _documents(files)
    by_state = {
        state: documents[p.person.card_number].report_category for state, p in states.items() if state != "not_started"
    }
    assert by_state == {
        "in_progress": "21",
        "completed": "22",
        "dropped_out": "23",
        "excluded": "24",
        "initial_incomplete": "25",
    }


def test_file_content_of_a_completed_programme(world, states, provider_p) -> None:
    completed = states["completed"]
    document = _documents(guidance_files_for_fiscal_year(world.insurer_a, 2025, created=TODAY))[
        completed.person.card_number
    ]
    assert (document.exam_date, document.level, document.provider_number) == (EXAM, 1, provider_p.number)
    assert (document.goals, document.support_plan, document.plan_set_on) == (tuple(PLAN["goals"]), "月1回の面接", EXAM)
    assert [c.kind for c in document.contacts] == ["initial", "continuous", "interim", "final"]
    initial, support, interim, final = document.contacts
    assert (initial.form, initial.minutes, initial.participants, initial.points) == (3, 90, 6, 20)
    assert (support.points, support.weight_kg, interim.points, interim.systolic_mmhg) == (70, Decimal("79.0"), 30, 128)
    assert final.behaviour_changes == (
        BehaviourChange("diet", dt.date(2025, 6, 1)),
        BehaviourChange("smoking", dt.date(2025, 7, 1)),
    )
    assert (document.outcome_points, document.process_points, document.total_points) == (
        completed.outcome_points,
        completed.process_points,
        completed.total_points,
    )
    assert (document.early_interview, document.outcome) == (1, 2)  # on the exam day; 2 kg・2 cm


def test_dropout_and_exclusion_are_in_the_file(world, states) -> None:
    documents = _documents(guidance_files_for_fiscal_year(world.insurer_a, 2025, created=TODAY))
    dropped = documents[states["dropped_out"].person.card_number]
    assert (dropped.dropped_out_on, dropped.dropout_reason) == (dt.date(2025, 7, 1), "declined")
    excluded = documents[states["excluded"].person.card_number]
    assert (excluded.recheck_code, excluded.recheck_on, excluded.contacts) == (2, dt.date(2025, 6, 1), [])


def test_writer_and_reader_agree() -> None:
    document = GuidanceDocument(
        report_category="22",
        insurer_number="06999999",
        card_symbol="10",
        card_number="123",
        card_branch="01",
        name_kana="ケンシンタロウ",
        sex=1,
        birth_date=dt.date(1970, 4, 1),
        exam_date=EXAM,
        level=3,
        document_date=TODAY,
        author_number="2700000001",
        author_name="P保健指導センター",
        provider_number="2700000001",
        provider_name="P保健指導センター",
        target_weight_kg=Decimal("78.0"),
        target_waist_cm=Decimal("93.0"),
        planned_outcome=2,
        goals=("毎日歩く",),
        support_plan="",
        plan_set_on=EXAM,
        contacts=[
            GuidanceContactRecord(ContactKind.INITIAL_PART1, ContactForm.INDIVIDUAL_REMOTE, EXAM, 10, 20),
            GuidanceContactRecord(
                ContactKind.CONTINUOUS,
                ContactForm.EMAIL_CHAT,
                dt.date(2025, 6, 1),
                None,
                0,
                automated=True,
                has_guidance_content=False,
            ),
            GuidanceContactRecord(
                ContactKind.FINAL,
                ContactForm.GROUP_REMOTE,
                dt.date(2025, 8, 12),
                45,
                0,
                weight_kg=Decimal("79.5"),
                waist_cm=Decimal("94.5"),
                diastolic_mmhg=Decimal("84"),
                participants=5,
                measurements_self_declared=True,
                behaviour_changes=(BehaviourChange("rest", None), BehaviourChange("other", dt.date(2025, 6, 1))),
            ),
        ],
        early_interview=1,
        outcome=0,
        outcome_points=0,
        process_points=20,
        total_points=20,
        dropped_out_on=dt.date(2025, 9, 1),
        dropout_reason="unreachable",
        medication_during_on=dt.date(2025, 9, 1),
    )
    data = write_guidance_cda(document)
    assert validate_against_xsd(parse_xml(data), "hg") == []
    assert parse_guidance_cda(data, parse_xml(data)) == document


def test_archive_is_a_4th_period_guidance_archive_and_logs_the_export(world, states, alice) -> None:
    result = guidance_archive_for_fiscal_year(
        insurer=world.insurer_a, fiscal_year=2025, actor=actor_for_user(alice), created=TODAY
    )
    assert result.file_name == "0006999999_06999999_202601310_2.zip"  # 実施区分 2 特定保健指導情報
    with zipfile.ZipFile(io.BytesIO(result.data)) as archive:
        names = archive.namelist()
        root = result.file_name.removesuffix(".zip")
        index = parse_index(archive.read(f"{root}/ix08_V08.xml"))
        assert validate_against_xsd(parse_xml(archive.read(f"{root}/ix08_V08.xml")), "ix") == []
        data = [n for n in names if "/DATA/" in n]
        assert (index.period, index.service_event_type, index.total_record_count, len(data)) == (4, 2, 5, 5)
        assert f"{root}/XSD/hg08_V08.xsd" in names
        for name in data:
            assert validate_against_xsd(parse_xml(archive.read(name)), "hg") == [], name
    logs = AccessLog.objects.filter(action=AccessLog.Action.EXPORT)
    assert set(logs.values_list("person_id", flat=True)) == {
        p.person_id for s, p in states.items() if s != "not_started"
    }


def test_queries_do_not_grow_with_the_programmes(world, alice, provider_p, django_assert_num_queries) -> None:
    _states(world, alice, provider_p)
    with django_assert_num_queries(4):  # programmes with person/checkup/insurer/provider, contacts, rechecks, next
        first = guidance_files_for_fiscal_year(world.insurer_a, 2025, created=TODAY)
    _states(world, alice, provider_p)
    with django_assert_num_queries(4):
        assert len(guidance_files_for_fiscal_year(world.insurer_a, 2025, created=TODAY)) == 2 * len(first)


def test_another_insurers_programmes_are_not_exported(world, states) -> None:
    assert guidance_files_for_fiscal_year(world.insurer_b, 2025) == []
    assert guidance_files_for_fiscal_year(world.insurer_a, 2024) == []


def test_export_guidance_command(world, states, tmp_path) -> None:
    out = tmp_path / "guidance.zip"
    call_command("export_guidance", "--insurer", "06999999", "--fiscal-year", "2025", "--out", str(out))
    with zipfile.ZipFile(out) as archive:
        assert len([n for n in archive.namelist() if "/DATA/g" in n]) == 5


def test_the_item_table_marks_each_source() -> None:
    for key, item in ITEMS.items():
        assert item.source.split(" ")[0] in {"3rd", "3rd+oid4", "project"}, key
        assert item.confirmed == (not item.code.startswith("99")), key
    assert ("outcome", ITEMS["outcome"]) in unconfirmed()
