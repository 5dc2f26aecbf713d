"""Demo guidance: programmes in every state, with a realistic completion rate for past years."""

import datetime as dt
import random
from collections import Counter
from types import SimpleNamespace

from demo import guidance as demo
from guidance.codes import ContactForm, ContactKind, ProgrammeLevel, ProgrammeStatus
from guidance.models import Contact, Programme
from members.models import GuidanceProvider
from tests.factories import PersonFactory
from tests.guidance.conftest import make_checkup

TODAY = dt.date(2026, 11, 26)
EXAM_WINDOWS = {2024: (dt.date(2024, 4, 10), 330), 2025: (dt.date(2025, 4, 10), 330), 2026: (dt.date(2026, 4, 10), 200)}


def _checkups(world, *, per_year: int = 70) -> None:
    rng = random.Random(1)
    for year, (first, span) in EXAM_WINDOWS.items():
        for _ in range(per_year):
            person = PersonFactory(insurer=world.insurer_a)
            exam = first + dt.timedelta(days=rng.randrange(span))
            make_checkup(
                person,
                level=rng.choice([1, 1, 2]),
                exam_date=exam,
                consecutive_intensive_eligible=year > 2024 and rng.random() < 0.1,
            )


def test_seed_builds_every_state(world) -> None:
    _checkups(world)

    summary = demo.seed(SimpleNamespace(insurer=world.insurer_a), today=TODAY)

    assert "FY2024" in summary
    statuses = Counter(Programme.objects.values_list("status", flat=True))
    assert set(statuses) == set(ProgrammeStatus.values)
    completed = Programme.objects.filter(status=ProgrammeStatus.COMPLETED)
    assert {ProgrammeLevel.INTENSIVE, ProgrammeLevel.MOTIVATIONAL} <= set(completed.values_list("level", flat=True))
    intensive = [p for p in completed if p.level == ProgrammeLevel.INTENSIVE]
    assert any(p.outcome_points >= 180 for p in intensive)  # 2 cm·2 kg
    assert any(p.outcome_points < 180 <= p.total_points for p in intensive)  # reached with process points
    for year in (2024, 2025):
        programmes = Programme.objects.filter(fiscal_year=year).exclude(status=ProgrammeStatus.EXCLUDED)
        rate = programmes.filter(status=ProgrammeStatus.COMPLETED).count() / programmes.count()
        assert 0.15 <= rate <= 0.45, (year, rate)
    print(summary)
    again = demo.seed(SimpleNamespace(insurer=world.insurer_a), today=TODAY)
    assert again == summary  # idempotent
    assert Counter(Programme.objects.values_list("status", flat=True)) == statuses


REMOTE_FORMS = {ContactForm.INDIVIDUAL_REMOTE, ContactForm.GROUP_REMOTE, ContactForm.TELEPHONE, ContactForm.EMAIL_CHAT}


def test_two_providers_one_remote_only_with_action_plans_and_behaviour_start_dates(world) -> None:
    """Issue #15's demo: programmes of two providers (one remote-only), action plans, dated behaviour changes."""
    _checkups(world)

    demo.seed(SimpleNamespace(insurer=world.insurer_a), today=TODAY)

    provider = GuidanceProvider.objects.get(number=demo.DEMO_PROVIDER[0])
    remote = GuidanceProvider.objects.get(number=demo.DEMO_REMOTE_PROVIDER[0])
    for who in (provider, remote):
        assert Programme.objects.filter(provider=who, status=ProgrammeStatus.COMPLETED).exists(), who.name
    remote_forms = set(Contact.objects.filter(programme__provider=remote).values_list("form", flat=True))
    assert remote_forms and remote_forms <= REMOTE_FORMS  # every contact of the online provider is remote
    assert ContactForm.INDIVIDUAL_IN_PERSON in set(
        Contact.objects.filter(programme__provider=provider).values_list("form", flat=True)
    )
    initial = Contact.objects.filter(kind=ContactKind.INITIAL)
    assert initial.exists() and all(c.action_plan["goals"] for c in initial)  # SPEC §5.2
    started = Programme.objects.filter(contacts__kind=ContactKind.INITIAL).distinct()
    assert all(p.behaviour_goals and p.action_plan_on for p in started)
    intensive = started.filter(level=ProgrammeLevel.INTENSIVE)
    assert intensive.exists() and all(p.support_plan for p in intensive)
    changes = [c for f in Contact.objects.filter(kind=ContactKind.FINAL) for c in f.behaviour_changes]
    assert changes and all(dt.date.fromisoformat(c["since"]) for c in changes)  # SPEC §5.5: each with its start
