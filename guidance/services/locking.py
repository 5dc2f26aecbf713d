"""Optimistic locking of programme edits: an edit by a person claims the programme's `version` first
(`UPDATE … WHERE version = expected`), so of two staff editing the same programme the second gets a conflict
instead of silently overwriting the first."""

from django.db.models import F
from django.utils import timezone

from ..models import Programme
from .errors import ProgrammeVersionConflict


def programme_claim(programme: Programme, expected_version: int | None) -> Programme:
    """Take the programme for this edit: bump its version only if nobody else did since it was read."""
    expected = programme.version if expected_version is None else expected_version
    claimed = Programme.objects.filter(pk=programme.pk, version=expected).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    if not claimed:
        raise ProgrammeVersionConflict(f"programme {programme.pk} changed since version {expected}")
    return Programme.objects.select_related("checkup").get(pk=programme.pk)


def sync_instance(target: Programme, source: Programme) -> None:
    """Let the caller's instance see the stored state (version included) after the edit."""
    for field in Programme._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))
