"""Every admin page a staff user can reach reads in Japanese (issue #16): no Latin-letter words except units,
checkup item names and codes a 保健師 knows; rule codes and SPEC sections only inside a closed details element."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from demo.population import DEMO_INSURER_NUMBER, DEMO_STAFF_USERNAME, OTHER_STAFF_USERNAME
from members.models import Employer, Insurer

from .crawl import staff_pages
from .words import english_words

pytestmark = pytest.mark.django_db

# Pages not yet in Japanese, with why: the remainder of issue #16 (each one removed when it is fixed)
KNOWN_REMAINDER = {
    "/admin/employer_data/csvmapping/N/change/": "the column mapping is still edited as raw JSON (role codes)",
    "/admin/employer_data/csvmapping/add/": "the column mapping is still edited as raw JSON (role codes)",
}


@pytest.fixture
def demo_staff() -> Client:
    with translation.override("ja"):  # the rate snapshots keep their breakdown labels in the language of the run
        call_command("seed_demo", persons=150)
    client = Client()
    client.force_login(get_user_model().objects.get(username=DEMO_STAFF_USERNAME))
    return client


def test_every_staff_page_is_japanese(demo_staff) -> None:
    pages = staff_pages(demo_staff)
    problems = {key: sorted(words) for key, (url, html) in pages.items() if (words := english_words(html))}
    assert len(pages) > 30
    assert set(KNOWN_REMAINDER) <= set(problems), "a known page is fixed: take it out of KNOWN_REMAINDER"
    problems = {key: words for key, words in problems.items() if key not in KNOWN_REMAINDER}
    assert not problems, "\n".join(f"{key}: {words}" for key, words in sorted(problems.items()))


def test_no_other_insurers_name_anywhere(demo_staff) -> None:
    """The other insurer's staff never see the demo insurer's name or its employers (filters included)."""
    other = Client()
    other.force_login(get_user_model().objects.get(username=OTHER_STAFF_USERNAME))
    demo = Insurer.objects.get(number=DEMO_INSURER_NUMBER)
    names = [demo.name, *Employer.objects.filter(insurer=demo).values_list("name", flat=True)]
    pages = staff_pages(other)
    assert len(pages) > 20
    leaks = {key: [n for n in names if n in html] for key, (url, html) in pages.items()}
    assert not {key: found for key, found in leaks.items() if found}
