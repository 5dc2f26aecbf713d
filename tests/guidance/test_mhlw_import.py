"""Guidance files received (hg08, SPEC §9.6): the round trip export → import into an empty database gives the same
contacts, points and states; a provider posts its files through POST /api/v1/uploads/; a contact the rules refuse
is reported with its rule and not stored; files that cannot be matched are refused with one neutral reason."""

import dataclasses
import datetime as dt
import io
import json
import re

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from checkups.intake_types import Submitter
from checkups.mhlw.archive import GUIDANCE_REPORT_CATEGORIES
from checkups.models import Upload
from guidance.codes import ContactForm, ContactKind
from guidance.mhlw.document import GuidanceContactRecord, GuidanceDocument
from guidance.mhlw.write import write_guidance_cda
from guidance.mhlw_files import guidance_archive_for_fiscal_year, guidance_files_for_fiscal_year
from guidance.models import Contact, LevelDecisionRecord, MedicationRecheckRecord, Programme
from intake.uploads import upload_receive
from members.actors import actor_for_user
from tests.checkups.mhlw_samples import sample_archive
from tests.factories import PersonFactory
from tests.guidance.conftest import make_programme
from tests.guidance.test_mhlw_files import EXAM, PLAN, TODAY, _states

pytestmark = pytest.mark.django_db

COMMAND = Submitter(label="command")


def _snapshot(insurer) -> dict[str, dict]:
    """What must survive the round trip, by card number: state, level, points, provider, plan and contacts."""
    snapshot = {}
    for programme in Programme.objects.filter(insurer=insurer).select_related("person", "provider"):
        contacts = [
            (
                c.kind,
                c.form,
                c.date,
                c.minutes,
                c.weight_kg,
                c.waist_cm,
                c.systolic_mmhg,
                sorted(map(str, c.behaviour_changes)),
            )
            for c in programme.contacts.order_by("date", "pk")
        ]
        snapshot[programme.person.card_number] = {
            "status": programme.status,
            "level": programme.level,
            "points": (programme.total_points, programme.process_points, programme.outcome_points),
            "provider": programme.provider.number if programme.provider else None,
            "plan": (programme.behaviour_goals, programme.support_plan, programme.action_plan_on),
            "ending": (programme.dropped_out_on, programme.dropout_reason, programme.excluded_cause),
            "contacts": contacts,
        }
    return snapshot


def _import(data: bytes, name: str, submitter: Submitter = COMMAND) -> Upload:
    return upload_receive(submitter=submitter, data=data, file_name=name, process_now=True).upload


def test_round_trip_export_then_import_into_an_empty_guidance_database(world, alice, provider_p, monkeypatch) -> None:
    monkeypatch.setattr("intake.upload_chunks.intake_today", lambda: TODAY)
    _states(world, alice, provider_p)
    before = _snapshot(world.insurer_a)
    actor = actor_for_user(alice)
    guidance = guidance_archive_for_fiscal_year(insurer=world.insurer_a, fiscal_year=2025, actor=actor, created=TODAY)
    assert guidance.count == 5  # the programme not started has no file
    # ◆ "an empty database": no guidance data at all; the roster and the checkups stay (the checkup files have
    # their own round trip, tests/checkups/test_export.py; the factory checkups here carry no full item set)
    for model in (Contact, MedicationRecheckRecord, LevelDecisionRecord, Programme):
        model.objects.all().delete()

    upload = _import(guidance.data, guidance.file_name)

    assert (upload.status, upload.total, upload.accepted, upload.rejected) == ("done", 5, 5, 0)
    for entry in upload.report:
        assert entry["errors"] == [], entry
        assert [w for w in entry["warnings"] if w["code"].startswith("guidance_")] == [], entry
    after = _snapshot(world.insurer_a)
    not_started = {card for card, programme in before.items() if programme["status"] == "not_started"}
    assert {card: before[card] for card in before if card not in not_started} == {
        card: after[card] for card in after if card not in not_started
    }
    assert sum(entry["contacts_recorded"] for entry in upload.report) == Contact.objects.count() == 7


def test_a_final_evaluation_file_after_the_start_file_skips_the_contacts_already_stored(
    world, alice, provider_p
) -> None:
    programmes = _states(world, alice, provider_p)
    files = dict(guidance_files_for_fiscal_year(world.insurer_a, 2025, created=TODAY))
    Contact.objects.filter(programme=programmes["completed"], kind="final").delete()
    completed = next(name for name, data in files.items() if b'code="22"' in data)
    upload = _import(files[completed], completed)
    [entry] = upload.report
    assert (entry["status"], entry["contacts_recorded"], entry["contacts_unchanged"]) == ("accepted", 1, 3)
    programmes["completed"].refresh_from_db()
    assert programmes["completed"].status == "completed"


def _document(person, **changes) -> GuidanceDocument:
    document = GuidanceDocument(
        report_category="21",
        insurer_number=person.insurer.number,
        card_symbol=person.card_symbol,
        card_number=person.card_number,
        card_branch=person.card_branch,
        name_kana=person.name_kana,
        sex=person.sex,
        birth_date=person.birth_date,
        exam_date=EXAM,
        level=2,
        document_date=TODAY,
        author_number="2700000001",
        author_name="P保健指導センター",
        provider_number="2700000001",
        provider_name="P保健指導センター",
        goals=tuple(PLAN["goals"]),
        plan_set_on=EXAM,
        contacts=[GuidanceContactRecord(ContactKind.INITIAL, ContactForm.INDIVIDUAL_IN_PERSON, EXAM, 30)],
    )
    return dataclasses.replace(document, **changes)


def _post(key: str, data: bytes, name: str = "g2700000001202601310000001.xml"):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client.post(
        "/api/v1/uploads/",
        data,
        content_type="application/xml",
        HTTP_CONTENT_DISPOSITION=f"attachment; filename={name}",
    )


@pytest.fixture
def motivational(world):
    return make_programme(PersonFactory(insurer=world.insurer_a), level=2, exam_date=EXAM, today=TODAY)


def test_a_provider_posts_a_start_file_and_the_programme_is_started_and_assigned(
    world, motivational, provider_p, provider_p_key, monkeypatch
) -> None:
    monkeypatch.setattr("intake.upload_chunks.intake_today", lambda: TODAY)
    assert motivational.level == 2 and motivational.provider is None
    response = _post(provider_p_key, write_guidance_cda(_document(motivational.person)))
    assert response.status_code == 201, response.json()
    [record] = response.json()["records"]
    assert (record["status"], record["programme"], record["contacts_recorded"]) == ("accepted", motivational.pk, 1)
    motivational.refresh_from_db()
    assert (motivational.status, motivational.provider, motivational.behaviour_goals) == (
        "in_progress",
        provider_p,
        PLAN["goals"],
    )
    upload = Upload.objects.get(pk=response.json()["id"])
    assert (upload.submitted_by_provider, upload.insurer) == (provider_p, world.insurer_a)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {provider_p_key}")
    assert client.get(f"/api/v1/uploads/{upload.pk}/").status_code == 200
    assert [u["id"] for u in client.get("/api/v1/uploads/").json()["results"]] == [upload.pk]


def test_the_same_file_twice_is_stored_once(world, motivational, provider_p_key, monkeypatch) -> None:
    monkeypatch.setattr("intake.upload_chunks.intake_today", lambda: TODAY)
    data = write_guidance_cda(_document(motivational.person))
    assert _post(provider_p_key, data).status_code == 201
    assert _post(provider_p_key, data).status_code == 200
    assert Contact.objects.filter(programme=motivational).count() == 1


def test_another_providers_upload_is_not_found(
    world, motivational, provider_p_key, provider_q_key, monkeypatch
) -> None:
    monkeypatch.setattr("intake.upload_chunks.intake_today", lambda: TODAY)
    upload_id = _post(provider_p_key, write_guidance_cda(_document(motivational.person))).json()["id"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {provider_q_key}")
    assert client.get(f"/api/v1/uploads/{upload_id}/").status_code == 404


def test_a_contact_the_rules_refuse_is_reported_with_its_rule_and_not_stored(
    world, motivational, provider_p_key, monkeypatch
) -> None:
    monkeypatch.setattr("intake.upload_chunks.intake_today", lambda: TODAY)
    short = GuidanceContactRecord(ContactKind.INITIAL, ContactForm.INDIVIDUAL_IN_PERSON, EXAM, 19)  # SPEC §5.2: ≥ 20
    response = _post(provider_p_key, write_guidance_cda(_document(motivational.person, contacts=[short])))
    assert response.status_code == 201
    [record] = response.json()["records"]
    assert record["status"] == "accepted" and record["contacts_recorded"] == 0
    [error] = record["errors"]
    assert (error["field"], error["code"], error["value"]) == (
        "contacts[0].minutes",
        "initial_interview_too_short",
        "19",
    )
    assert "20" in error["message_ja"] and error["message_en"]
    assert not Contact.objects.filter(programme=motivational).exists()


def test_a_file_for_nobody_we_know_is_refused_with_a_neutral_reason(world, motivational, provider_p_key) -> None:
    stranger = dataclasses.replace(_document(motivational.person), card_number="99999", birth_date=dt.date(1960, 1, 1))
    no_checkup = _document(motivational.person, exam_date=dt.date(2025, 5, 13))
    for document in (stranger, no_checkup):
        response = _post(provider_p_key, write_guidance_cda(document))
        assert response.status_code == 422, response.json()
        [record] = response.json()["records"]
        assert [e["code"] for e in record["errors"]] == ["guidance_programme_not_found"]
    assert not Contact.objects.exists()


def test_a_programme_of_another_provider_is_not_reported_on(
    world, motivational, provider_q, provider_p_key, monkeypatch
) -> None:
    monkeypatch.setattr("intake.upload_chunks.intake_today", lambda: TODAY)
    Programme.objects.filter(pk=motivational.pk).update(provider=provider_q)
    response = _post(provider_p_key, write_guidance_cda(_document(motivational.person)))
    assert response.status_code == 422
    assert response.json()["records"][0]["errors"][0]["code"] == "guidance_programme_not_found"


def test_a_file_of_another_level_is_refused_naming_both(world, motivational, provider_p_key) -> None:
    response = _post(provider_p_key, write_guidance_cda(_document(motivational.person, level=1)))
    assert response.status_code == 422
    [error] = response.json()["records"][0]["errors"]
    assert (error["code"], error["value"]) == ("guidance_level_differs", "1")
    assert "積極的支援" in error["message_ja"] and "動機付け支援" in error["message_ja"]
    assert not re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", error["message_en"]), error["message_en"]


def test_a_file_failing_hg08_is_refused_with_the_schema_message(world, motivational, provider_p_key) -> None:
    data = write_guidance_cda(_document(motivational.person)).replace(b"<recordTarget>", b"<recordTarget><bad/>", 1)
    response = _post(provider_p_key, data)
    assert response.status_code == 422, response.json()
    [error] = response.json()["records"][0]["errors"]
    assert error["code"] == "schema_invalid" and "hg08_V08.xsd" in error["message_ja"]


def test_a_providers_checkup_file_is_refused(world, motivational, provider_p_key) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {provider_p_key}")
    response = client.post("/api/v1/uploads/", sample_archive(), content_type="application/zip")
    assert response.status_code == 422, response.json()
    assert response.json()["records"][0]["errors"][0]["code"] == "checkup_file_from_provider"


def test_points_that_differ_from_ours_are_a_warning(world, motivational, provider_p_key, monkeypatch) -> None:
    monkeypatch.setattr("intake.upload_chunks.intake_today", lambda: TODAY)
    document = _document(motivational.person, total_points=180, process_points=180, outcome_points=0)
    response = _post(provider_p_key, write_guidance_cda(document))
    [record] = response.json()["records"]
    codes = {(w["field"], w["code"], w["value"]) for w in record["warnings"]}
    assert ("total_points", "guidance_points_differ", "180") in codes


def test_a_raw_body_without_a_g_name_is_told_a_guidance_file_by_its_report_category(
    world, motivational, provider_p_key, monkeypatch
) -> None:
    monkeypatch.setattr("intake.upload_chunks.intake_today", lambda: TODAY)
    assert {"21", "22", "23", "24", "25"} == GUIDANCE_REPORT_CATEGORIES
    response = _post(provider_p_key, write_guidance_cda(_document(motivational.person)), name="upload.xml")
    assert response.status_code == 201, response.json()
    assert response.json()["records"][0]["programme"] == motivational.pk


def test_import_mhlw_imports_a_providers_guidance_files(world, motivational, provider_p, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr("intake.upload_chunks.intake_today", lambda: TODAY)
    path = tmp_path / "g2700000001202601310000001.xml"
    path.write_bytes(write_guidance_cda(_document(motivational.person)))
    out = io.StringIO()
    call_command("import_mhlw", str(path), "--provider", provider_p.number, "--json", stdout=out)
    [result] = json.loads(out.getvalue())["files"]
    assert (result["accepted"], result["records"][0]["programme"], result["records"][0]["contacts_recorded"]) == (
        1,
        motivational.pk,
        1,
    )
    assert Upload.objects.get(pk=result["upload"]).submitted_by_provider == provider_p


def test_a_clinic_key_cannot_report_guidance(world, motivational, clinic_x_key) -> None:
    response = _post(clinic_x_key, write_guidance_cda(_document(motivational.person)))
    assert response.status_code == 422, response.json()
    assert response.json()["records"][0]["errors"][0]["code"] == "guidance_file_sender"
    assert not Contact.objects.exists()
