"""Staff pages: the status page with the demo employers in all four states, request letter, CSV upload →
preview → confirm, paper entry with ja/en errors, completing a ≥ 40 record's missing items."""

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from checkups.models import Checkup
from demo import employer_data as demo
from demo.population import DEMO_STAFF_USERNAME, seed_population
from employer_data.mapping import ColumnSpec, map_row
from employer_data.models import CsvImport, Submission, SubmissionStatus
from members.models import AccessLog
from tests.factories import staff_user

from .helpers import TODAY, csv_bytes, employee, employer_of, mapping_for, row_for

STATUS_URL = "/admin/employer_data/submission/"


@pytest.fixture
def demo_client(db) -> tuple[Client, object]:
    population = seed_population(persons=150, today=TODAY)
    summary = demo.seed(population, today=TODAY)
    assert "under 40" in summary
    client = Client()
    client.force_login(get_user_model().objects.get(username=DEMO_STAFF_USERNAME))
    return client, population


@pytest.mark.parametrize("fiscal_year", [2026, 2025])
def test_status_page_shows_demo_employers_in_all_four_states(demo_client, fiscal_year: int) -> None:
    client, population = demo_client
    response = client.get(STATUS_URL, {"fy": fiscal_year})
    assert response.status_code == 200
    html = response.content.decode()
    shown = set(re.findall(r'<tr data-status="(\w+)">', html))
    assert shown == {"none", "requested", "partial", "received"}
    for status in SubmissionStatus:
        assert str(status.label) in html
    stored = dict(
        Submission.objects.filter(insurer=population.insurer, fiscal_year=fiscal_year).values_list(
            "employer__code", "status"
        )
    )
    assert set(stored.values()) == {"none", "requested", "partial", "received"}
    quiet = {"E006": "none", "E007": "requested"} if fiscal_year == 2026 else {"E006": "requested", "E007": "none"}
    assert {code: stored[code] for code in quiet} == quiet
    assert "架空製作所 本社" in html


def test_demo_has_under_40_records_and_incomplete_40_plus(demo_client) -> None:
    _, population = demo_client
    employer_checkups = Checkup.objects.filter(insurer=population.insurer, program="030")
    assert employer_checkups.filter(age_at_fy_end__lt=40).exists()
    incomplete = employer_checkups.filter(age_at_fy_end__gte=40, is_complete=False)
    assert incomplete.exists()
    assert all("9N701000000000011" in str(c.missing_items) for c in incomplete)


def test_request_letter_is_printable_and_lists_what_is_needed(demo_client) -> None:
    client, population = demo_client
    employer = population.insurer.employers.get(code="E004")
    response = client.get(reverse("admin:employer_data_letter", args=[employer.pk, 2026]))
    html = response.content.decode()
    assert response.status_code == 200 and "@page" in html
    assert "架空システムズ 御中" in html and "40歳未満" in html and "服薬1(血圧)" in html and "6631111116" in html


def test_other_insurers_staff_cannot_open_a_letter(demo_client) -> None:
    _, population = demo_client
    other = Client()
    other.force_login(get_user_model().objects.get(username="other"))
    employer = population.insurer.employers.get(code="E001")
    assert other.get(reverse("admin:employer_data_letter", args=[employer.pk, 2026])).status_code == 404


def test_recording_a_request_moves_none_to_requested(demo_client) -> None:
    client, population = demo_client
    employer = population.insurer.employers.get(code="E006")
    response = client.post(STATUS_URL, {"insurer": population.insurer.pk, "fy": 2026, "employer": employer.pk})
    assert response.status_code == 302
    assert Submission.objects.get(employer=employer, fiscal_year=2026).status == SubmissionStatus.REQUESTED


def test_csv_upload_preview_confirm(alice_client, world) -> None:
    employer = employer_of(world.insurer_a)
    mapping = mapping_for(employer)
    person = employee(employer, "611", dt.date(1970, 4, 4))
    data = csv_bytes([row_for(person, {"血糖(mmol/L)": "5.2"}), row_for(person, 血圧上="abc", exam=TODAY)])
    upload = SimpleUploadedFile("kenshin.csv", data, content_type="text/csv")
    response = alice_client.post(
        reverse("admin:employer_data_csvimport_upload"),
        {"employer": employer.pk, "mapping": mapping.pk, "file": upload},
    )
    html = response.content.decode()
    assert response.status_code == 200 and "94 mg/dL" in html and "abc" in html and "数値ではありません" in html
    assert "not a number" not in html and "bad_number" not in html  # the page's language only, no rule codes
    record = CsvImport.objects.get()
    assert Checkup.objects.count() == 0
    response = alice_client.post(reverse("admin:employer_data_csvimport_confirm", args=[record.pk]))
    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.status, record.stored_count, record.rejected_count) == ("imported", 1, 1)
    page = alice_client.get(reverse("admin:employer_data_csvimport_change", args=[record.pk])).content.decode()
    assert "血圧上" in page and "数値ではありません" in page and "取り込めません" in page
    assert "bad_number" not in page and "not a number" not in page


def _paper_post(employer, person, **items: str) -> dict[str, str]:
    data = {
        "employer": str(employer.pk),
        "card_symbol": person.card_symbol,
        "card_number": person.card_number,
        "card_branch": person.card_branch,
        "sex": "1",
        "birth_date": person.birth_date.isoformat(),
        "exam_date": "R7.6.10",
    }
    # the values a clerk would type: the demo row mapped (recoded, converted to mg/dL); doctors' names as written
    raw = row_for(person)
    mapped = map_row(raw, [ColumnSpec.from_json(c) for c in demo.layout_json()], insurer_number="06999999")
    data |= {f"item_{code}": entry["value"] for code, entry in mapped.document.items_dict().items()}
    data |= {"item_9N516000000000049": raw["判定医"], "item_9N526000000000049": raw["意見医"]}
    data |= {f"item_{k}": v for k, v in items.items()}
    return data


def test_paper_entry_shows_errors_in_japanese_and_english_then_stores(alice_client, world) -> None:
    employer = employer_of(world.insurer_a)
    person = employee(employer, "612", dt.date(1960, 5, 5))
    url = reverse("admin:employer_data_paper")
    response = alice_client.post(url, _paper_post(employer, person, **{"9A751000000000001": "999"}))
    html = response.content.decode()
    assert response.status_code == 200
    assert "妥当範囲" in html and "plausible range" in html
    assert Checkup.objects.count() == 0

    response = alice_client.post(url, _paper_post(employer, person))
    assert response.status_code == 302
    checkup = Checkup.objects.get(person=person)
    assert (checkup.program, checkup.source, checkup.exam_date, checkup.is_complete) == (
        "030",
        "employer",
        dt.date(2025, 6, 10),
        True,
    )


def test_incomplete_list_and_completion_by_staff(alice_client, world) -> None:
    employer = employer_of(world.insurer_a)
    person = employee(employer, "613", dt.date(1962, 6, 6))
    url = reverse("admin:employer_data_paper")
    post = _paper_post(employer, person)
    for code in ("9N701000000000011", "9N706000000000011", "9N711000000000011", "9N736000000000011"):
        post.pop(f"item_{code}")
    assert alice_client.post(url, post).status_code == 302
    checkup = Checkup.objects.get(person=person)
    assert not checkup.is_complete

    listing = alice_client.get(reverse("admin:employer_data_incompleteemployercheckup_changelist")).content.decode()
    assert "服薬1(血圧)" in listing
    change = reverse("admin:employer_data_incompleteemployercheckup_change", args=[checkup.pk])
    assert alice_client.get(change).status_code == 200
    assert AccessLog.objects.filter(person=person, target=f"checkup:{checkup.pk}").exists()
    refused = alice_client.post(change, {"reason": "電話で確認", "item_9N701000000000011": "7"})
    assert refused.status_code == 200  # 7 is not an answer: the form refuses it
    done = {
        "reason": "電話で確認",
        "item_9N701000000000011": "2",
        "item_9N706000000000011": "2",
        "item_9N711000000000011": "1",
        "item_9N736000000000011": "1",
    }
    assert alice_client.post(change, done).status_code == 302
    checkup.refresh_from_db()
    assert checkup.is_complete and checkup.counts_for_fiscal_year and checkup.med_lipids == 1


def test_other_insurers_staff_gets_404_on_an_incomplete_record(alice_client, world) -> None:
    employer = employer_of(world.insurer_b, "E900")
    person = employee(employer, "614", dt.date(1962, 6, 6))
    post = _paper_post(employer, person)
    post.pop("item_9N701000000000011")
    bob = Client()
    bob.force_login(staff_user(world.insurer_b, "bob2"))
    assert bob.post(reverse("admin:employer_data_paper"), post).status_code == 302
    checkup = Checkup.objects.get(person=person)
    change = reverse("admin:employer_data_incompleteemployercheckup_change", args=[checkup.pk])
    assert alice_client.get(change).status_code == 404


def test_staff_confirming_completion_marks_the_submission_received(demo_client) -> None:
    client, _ = demo_client
    submission = Submission.objects.get(employer__code="E002", fiscal_year=2026)
    assert submission.status == SubmissionStatus.PARTIAL
    url = reverse("admin:employer_data_submission_change", args=[submission.pk])
    assert client.get(url).status_code == 200
    form = {"requested_on": "2026-06-01", "due_on": "2026-12-31", "confirmed_complete": "on", "notes": "全員分と確認"}
    assert client.post(url, form).status_code == 302
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.RECEIVED
