"""The person page (hub, issue #16): everything about one person in words with a link per row, links back from the
checkup and programme pages, the access log in names and job titles, a constant number of queries."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from guidance.codes import ContactForm, ContactKind
from guidance.services import contact_add
from members.actors import actor_for_user
from members.models import Exclusion
from tests.factories import PersonFactory, UserFactory, staff_user
from tests.guidance.conftest import make_checkup, make_programme

from .test_programme_page import visible

TODAY = timezone.localdate()


def hub(person) -> str:
    return reverse("admin:members_insuredperson_change", args=[person.pk])


@pytest.fixture
def nurse(world):
    user = staff_user(world.insurer_a, "nurse", job_title="保健師")
    user.first_name, user.last_name = "花子", "保健"
    user.save()
    return user


@pytest.fixture
def nurse_client(nurse) -> Client:
    client = Client()
    client.force_login(nurse)
    return client


def _history(person, years: int, nurse) -> list:
    """`years` fiscal years of checkups, each with a programme and a contact."""
    programmes = []
    for back in range(years):
        exam = TODAY - dt.timedelta(days=200 + 365 * back)
        programme = make_programme(person, exam_date=exam, today=TODAY)
        contact_add(
            programme=programme,
            data={"kind": ContactKind.INITIAL, "form": ContactForm.INDIVIDUAL_IN_PERSON, "date": exam, "minutes": 30},
            actor=actor_for_user(nurse),
            today=TODAY,
        )
        programmes.append(programme)
    return programmes


def test_person_page_links_every_row(world, nurse, nurse_client) -> None:
    person = world.person_a
    programmes = _history(person, 2, nurse)
    Exclusion.objects.create(
        person=person, reason="abroad", starts_on=dt.date(2020, 4, 1), ends_on=dt.date(2021, 3, 31)
    )
    content = nurse_client.get(hub(person)).content.decode()
    text = visible(content)
    for programme in programmes:
        assert reverse("admin:guidance_programme_change", args=[programme.pk]) in content
        assert reverse("admin:checkups_checkup_change", args=[programme.checkup_id]) in content
        assert f"{programme.fiscal_year}年度" in text
    assert "積極的支援" in text and "実施率に計上" in text and "20 / 180" in text  # the early-interview points
    assert "2000年4月1日" in text and "加入中" in text  # enrollment
    assert "2020年4月1日" in text  # the exclusion period
    assert reverse("admin:portal_invitation_issue_for", args=[person.pk]) in content
    assert reverse("admin:members_insuredperson_edit", args=[person.pk]) in content


def test_counted_or_not_and_why(world, alice_client) -> None:
    young = PersonFactory(insurer=world.insurer_a, birth_date=TODAY.replace(year=TODAY.year - 22))
    exam = TODAY - dt.timedelta(days=30)
    make_checkup(young, exam_date=exam, program="030", counts_for_fiscal_year=True, age_at_fy_end=22)
    text = visible(alice_client.get(hub(young)).content.decode())
    assert "対象年齢外" in text and "対象外" in text  # a 22-year-old's employer checkup is no target's


def test_access_log_in_words(world, nurse, nurse_client) -> None:
    programme = _history(world.person_a, 1, nurse)[0]
    nurse_client.get(reverse("admin:guidance_programme_change", args=[programme.pk]))
    nurse_client.get(reverse("admin:checkups_checkup_change", args=[programme.checkup_id]))
    text = visible(nurse_client.get(hub(world.person_a)).content.decode())
    assert "保健 花子(保健師)" in text
    assert f"保健指導プログラム({programme.fiscal_year}年度 積極的支援)" in text
    assert "健診結果(" in text
    assert not re.search(r"\b(user|programme|checkup):\d+", text)
    listing = visible(nurse_client.get(reverse("admin:members_accesslog_changelist")).content.decode())
    assert "保健 花子(保健師)" in listing and not re.search(r"\b(user|programme|checkup):\d+", listing)


def test_checkup_page_links_back(world, nurse, nurse_client) -> None:
    programme = _history(world.person_a, 1, nurse)[0]
    content = nurse_client.get(reverse("admin:checkups_checkup_change", args=[programme.checkup_id])).content.decode()
    assert hub(world.person_a) in content
    assert reverse("admin:guidance_programme_change", args=[programme.pk]) in content


def test_other_insurers_person_is_404(world, bob) -> None:
    client = Client()
    client.force_login(bob)
    assert client.get(hub(world.person_a)).status_code == 404
    assert client.get(reverse("admin:members_insuredperson_edit", args=[world.person_a.pk])).status_code == 404


def test_edit_page_saves_and_returns_to_the_person_page(world, alice_client) -> None:
    person = world.person_a
    edit = reverse("admin:members_insuredperson_edit", args=[person.pk])
    page = alice_client.get(edit)
    assert page.status_code == 200 and "氏名(カナ)" in page.content.decode()


@pytest.mark.parametrize("years", [1, 4])
def test_person_page_queries_are_constant(world, nurse, nurse_client, years, django_assert_num_queries) -> None:
    _history(world.person_a, years, nurse)
    UserFactory(username="someone")
    nurse_client.get(hub(world.person_a))  # the access log now has rows to show
    with django_assert_num_queries(PERSON_PAGE_QUERIES):
        assert nurse_client.get(hub(world.person_a)).status_code == 200


PERSON_PAGE_QUERIES = 15  # whatever the history (session, actor, person, log, 7 sections)
