"""The access log (閲覧記録): every staff or guidance-provider read of a person's health data leaves one
append-only row.

Nothing here writes health values or card numbers to the plain log; the row names the person by key.
"""

from collections.abc import Iterable
from typing import Any

from .actors import Actor, ActorKind
from .models import AccessLog, GuidanceProvider, StaffMembership

AUDITED_KINDS = (ActorKind.STAFF, ActorKind.SUPERUSER, ActorKind.GUIDANCE_PROVIDER)
PROVIDER_ROLE = "保健指導機関"  # actor_role of a guidance provider's read; actor_label is the provider's name


def _client_ip(request: Any) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def access_log_record(
    *,
    actor: Actor,
    person_ids: Iterable[int],
    action: str,
    target: str,
    request: Any = None,
) -> int:
    """Append one row per person read by staff or a guidance provider; other actors (the person, a clinic) are not
    audited here. A provider's row names the provider (label) with the role 保健指導機関, so the person sees who."""
    if actor.kind not in AUDITED_KINDS:
        return 0
    role, label = "", actor.label
    if actor.user_id is not None:
        role = StaffMembership.objects.filter(user_id=actor.user_id).values_list("job_title", flat=True).first() or ""
    elif actor.kind == ActorKind.GUIDANCE_PROVIDER and actor.guidance_provider_id is not None:
        name = GuidanceProvider.objects.filter(pk=actor.guidance_provider_id).values_list("name", flat=True).first()
        role, label = PROVIDER_ROLE, (name or actor.label)
    ip = _client_ip(request)
    rows = [
        AccessLog(
            user_id=actor.user_id,
            actor_label=label[:100],
            actor_role=role,
            person_id=person_id,
            action=action,
            target=target[:100],
            ip_address=ip,
        )
        for person_id in dict.fromkeys(person_ids)
    ]
    AccessLog.objects.bulk_create(rows)
    return len(rows)


def person_access_log(*, actor: Actor, person_id: int, limit: int = 20) -> list[AccessLog]:
    """The latest reads of one person's record (newest first), with the staff user for names."""
    return list(AccessLog.objects.visible_to(actor).filter(person_id=person_id).select_related("user")[:limit])
