"""Evaluation of programmes: every write re-runs the pure rules (`guidance.rules.evaluate`) and stores the result
on the programme (status, points, lines, next action), so lists and rates read stored values."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from ..facts import EVALUATION_FIELDS, evaluation_fields, facts_of
from ..models import Contact, Programme
from ..rules import evaluate
from .batches import SYNC_CHUNK, chunks
from .locking import sync_instance

# What the rules read of a programme and its checkup (SPEC §5.5: exam-day weight and waist), and what they write
REFRESH_READS = (
    "level",
    "dropped_out_on",
    "dropout_reason",
    "excluded_cause",
    "behaviour_goals",
    "support_plan",
    "level_decided_for",
    *EVALUATION_FIELDS,
    "updated_at",
    "checkup__exam_date",
    "checkup__weight_kg",
    "checkup__waist_cm",
    "checkup__guidance_level",
    "checkup__consecutive_intensive_eligible",
)


def evaluation_day(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def programmes_refresh(*, programme_ids: Iterable[int], today: dt.date | None = None) -> int:
    """Re-evaluate programmes in batches (next actions move with the date: SPEC §5.6 overdue); returns how many
    changed. Rows are locked while evaluated so a concurrent contact is never overwritten by a stale result; the
    version is not bumped because nothing a person entered changes."""
    today = evaluation_day(today)
    changed = 0
    for chunk in chunks(programme_ids, SYNC_CHUNK):
        with transaction.atomic():
            programmes = list(
                Programme.objects.filter(pk__in=chunk)
                .select_for_update(of=("self",))
                .select_related("checkup")
                .only(*REFRESH_READS)
            )
            # One query for the contacts of the whole chunk, grouped here: no queryset per programme
            contacts: dict[int, list[Contact]] = defaultdict(list)
            for contact in Contact.objects.filter(programme_id__in=chunk).order_by("date", "pk"):
                contacts[contact.programme_id].append(contact)
            dirty, now = [], timezone.now()
            for programme in programmes:
                mine = contacts[programme.pk]
                values = evaluation_fields(evaluate(facts_of(programme, mine, today)), [c.pk for c in mine])
                if any(getattr(programme, name) != values[name] for name in EVALUATION_FIELDS):
                    for name, value in values.items():
                        setattr(programme, name, value)
                    programme.updated_at = now
                    dirty.append(programme)
            Programme.objects.bulk_update(dirty, [*EVALUATION_FIELDS, "updated_at"], batch_size=500)
            changed += len(dirty)
    return changed


def store_evaluation(programme: Programme, today: dt.date) -> Programme:
    contacts = list(programme.contacts.order_by("date", "pk"))
    values = evaluation_fields(evaluate(facts_of(programme, contacts, today)), [c.pk for c in contacts])
    for name, value in values.items():
        setattr(programme, name, value)
    programme.save(update_fields=[*EVALUATION_FIELDS, "updated_at"])
    return programme


@transaction.atomic
def programme_evaluate(*, programme: Programme, today: dt.date | None = None) -> Programme:
    """Run the rules on the programme, its checkup and contacts, and store status, points, lines, next action."""
    fresh = Programme.objects.select_related("checkup").select_for_update(of=("self",)).get(pk=programme.pk)
    store_evaluation(fresh, evaluation_day(today))
    sync_instance(programme, fresh)
    return programme
