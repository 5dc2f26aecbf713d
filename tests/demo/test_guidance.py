"""Demo guidance: programmes in every state, with a realistic completion rate for past years."""

import datetime as dt
import random
from collections import Counter
from types import SimpleNamespace

from demo import guidance as demo
from guidance.codes import ProgrammeLevel, ProgrammeStatus
from guidance.models import Programme
from tests.factories import PersonFactory
from tests.guidance.conftest import make_checkup

TODAY = dt.date(2026, 11, 26)
EXAM_WINDOWS = {2024: (dt.date(2024, 4, 10), 330), 2025: (dt.date(2025, 4, 10), 330), 2026: (dt.date(2026, 4, 10), 200)}


def test_seed_builds_every_state(world) -> None:
    rng = random.Random(1)
    for year, (first, span) in EXAM_WINDOWS.items():
        for _ in range(70):
            person = PersonFactory(insurer=world.insurer_a)
            exam = first + dt.timedelta(days=rng.randrange(span))
            make_checkup(
                person,
                level=rng.choice([1, 1, 2]),
                exam_date=exam,
                consecutive_intensive_eligible=year > 2024 and rng.random() < 0.1,
            )

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
