"""Who looks after programmes: assignment to a staff user and/or a guidance provider, in one UPDATE."""

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from members.actors import Actor
from members.models import GuidanceProvider, StaffMembership

from ..models import Programme


@transaction.atomic
def programmes_assign(
    *,
    programme_ids: Iterable[int],
    staff: Any = None,
    provider: GuidanceProvider | None = None,
    actor: Actor,
) -> int:
    """Assign programmes the actor may see to a staff user and/or a provider, in one UPDATE; returns the count.
    A staff user is only assigned programmes of insurers they belong to."""
    queryset = Programme.objects.visible_to(actor).filter(pk__in=list(programme_ids))
    changes: dict[str, Any] = {}
    if staff is not None:
        queryset = queryset.filter(
            insurer_id__in=StaffMembership.objects.filter(user=staff).values_list("insurer_id", flat=True)
        )
        changes["assigned_staff"] = staff
    if provider is not None:
        changes["provider"] = provider
    if not changes:
        return 0
    return queryset.update(**changes, version=F("version") + 1, updated_at=timezone.now())
