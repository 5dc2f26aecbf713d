"""Programmes follow their (re)stratified checkups (SPEC §5.1): created, re-levelled or removed while not started;
set-based, a handful of queries per 2,000 checkups."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Exists, F, OuterRef

from ..codes import ProgrammeLevel, ProgrammeStatus
from ..levels import desired_level
from ..models import Contact, Programme
from .batches import SYNC_CHUNK, chunks
from .eligibility import eligible_checkups
from .evaluation import evaluation_day, programmes_refresh
from .programme_creation import EvaluationCache, new_programme_values, programmes_insert


def programmes_sync_for_checkups(*, checkup_ids: Iterable[int], today: dt.date | None = None) -> int:
    """Create, re-level or remove not-started programmes for these (re)stratified checkups; returns how many were
    created. Set-based: a handful of queries per 2,000 checkups, none per person; safe to run twice."""
    today = evaluation_day(today)
    created = 0
    evaluations: EvaluationCache = {}  # new programmes' evaluations (`new_programme_values`)
    for chunk in chunks(checkup_ids, SYNC_CHUNK):
        with transaction.atomic():
            created += _sync_chunk(chunk, today, evaluations)
    return created


def _sync_chunk(chunk: list[int], today: dt.date, evaluations: EvaluationCache) -> int:
    eligible = _eligible_rows(chunk)
    existing = _existing_programmes(chunk)
    gone = _follow_checkups(existing, eligible)
    missing = [row for checkup_id, row in eligible.items() if checkup_id not in existing]
    programmes_insert([new_programme_values(row, today, evaluations) for row in missing])
    removed = set(gone)
    programmes_refresh(programme_ids=[pk for pk, _, _ in existing.values() if pk not in removed], today=today)
    return len(missing)


def _eligible_rows(chunk: list[int]) -> dict[int, tuple]:
    """Checkup id → the values a new programme is made of (`new_programme_values`), for the eligible checkups."""
    return {
        row[0]: row
        for row in eligible_checkups(chunk).values_list(
            "pk",
            "person_id",
            "insurer_id",
            "fiscal_year",
            "guidance_level",
            "consecutive_intensive_eligible",
            "exam_date",
            "weight_kg",
            "waist_cm",
        )
    }


def _existing_programmes(chunk: list[int]) -> dict[int, tuple[int, int, bool]]:
    """Checkup id → (programme id, level, not started) of the programmes these checkups already have."""
    has_contacts = Exists(Contact.objects.filter(programme_id=OuterRef("pk")))
    return {
        checkup_id: (pk, level, status == ProgrammeStatus.NOT_STARTED and not started)
        for checkup_id, pk, level, status, started in Programme.objects.filter(checkup_id__in=chunk)
        .annotate(started=has_contacts)
        .values_list("checkup_id", "pk", "level", "status", "started")
    }


def _follow_checkups(existing: dict[int, tuple[int, int, bool]], eligible: dict[int, tuple]) -> list[int]:
    """Re-level or remove the not-started programmes whose checkup changed; returns the removed ones."""
    # A not-started programme follows a corrected checkup level; started ones keep theirs (the work is under way).
    relevel: dict[ProgrammeLevel, list[int]] = defaultdict(list)
    gone: list[int] = []
    for checkup_id, (pk, level, not_started) in existing.items():
        if not not_started:
            continue
        if checkup_id not in eligible:
            gone.append(pk)
        elif (wanted := desired_level(eligible[checkup_id][4], level, eligible[checkup_id][5])) != level:
            relevel[wanted].append(pk)
    for level, pks in relevel.items():
        Programme.objects.filter(pk__in=pks).update(level=level, version=F("version") + 1)
    if gone:
        Programme.objects.filter(pk__in=gone, status=ProgrammeStatus.NOT_STARTED).delete()
    return gone
