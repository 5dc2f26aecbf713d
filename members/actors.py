"""Who is asking: one Actor per request, built from a session user or an API key.

Every queryset is narrowed with `visible_to(actor)` (see each model's QuerySet); views, admin,
API and selectors all start there, so who-sees-what is decided in one place per model.
"""

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class ActorKind(StrEnum):
    SUPERUSER = "superuser"
    STAFF = "staff"
    CLINIC = "clinic"
    EMPLOYER = "employer"
    GUIDANCE_PROVIDER = "guidance_provider"
    PERSON = "person"
    ANONYMOUS = "anonymous"


@dataclass(frozen=True)
class Actor:
    kind: ActorKind
    user_id: int | None = None
    insurer_ids: frozenset[int] = field(default_factory=frozenset)
    clinic_id: int | None = None
    employer_id: int | None = None
    guidance_provider_id: int | None = None
    person_id: int | None = None
    api_key_id: str | None = None
    label: str = ""

    @property
    def is_staff(self) -> bool:
        return self.kind in (ActorKind.STAFF, ActorKind.SUPERUSER)

    def sees_insurer(self, insurer_id: int) -> bool:
        return self.kind == ActorKind.SUPERUSER or (self.kind == ActorKind.STAFF and insurer_id in self.insurer_ids)


ANONYMOUS = Actor(kind=ActorKind.ANONYMOUS, label="anonymous")


def actor_for_user(user: Any) -> Actor:
    """The actor behind a logged-in Django user (staff, superuser or insured person)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    if user.is_superuser:
        return Actor(kind=ActorKind.SUPERUSER, user_id=user.pk, label=f"user:{user.pk}")
    if user.is_staff:
        insurer_ids = frozenset(user.staff_memberships.values_list("insurer_id", flat=True))
        return Actor(kind=ActorKind.STAFF, user_id=user.pk, insurer_ids=insurer_ids, label=f"user:{user.pk}")
    person_id = getattr(getattr(user, "insured_person", None), "pk", None)
    if person_id is not None:
        return Actor(kind=ActorKind.PERSON, user_id=user.pk, person_id=person_id, label=f"user:{user.pk}")
    return ANONYMOUS


def actor_for_api_key(key: Any) -> Actor:
    """The actor behind a machine client's API key (members.models.ApiKey)."""
    label = f"key:{key.prefix}"
    match key.kind:
        case ActorKind.CLINIC:
            return Actor(kind=ActorKind.CLINIC, clinic_id=key.clinic_id, api_key_id=key.pk, label=label)
        case ActorKind.EMPLOYER:
            return Actor(
                kind=ActorKind.EMPLOYER,
                employer_id=key.employer_id,
                insurer_ids=frozenset({key.employer.insurer_id}),
                api_key_id=key.pk,
                label=label,
            )
        case ActorKind.GUIDANCE_PROVIDER:
            return Actor(
                kind=ActorKind.GUIDANCE_PROVIDER,
                guidance_provider_id=key.guidance_provider_id,
                api_key_id=key.pk,
                label=label,
            )
        case ActorKind.STAFF:
            return Actor(kind=ActorKind.STAFF, insurer_ids=frozenset({key.insurer_id}), api_key_id=key.pk, label=label)
    return ANONYMOUS


def actor_from_request(request: Any) -> Actor:
    """The actor of a Django or DRF request; cached on the request."""
    cached = getattr(request, "_actor", None)
    if cached is not None:
        return cached
    auth = getattr(request, "auth", None)
    actor = actor_for_api_key(auth) if auth is not None and hasattr(auth, "kind") else actor_for_user(request.user)
    cache_actor(request, actor)
    return actor


def cache_actor(request: Any, actor: Actor) -> None:
    """Remember the request's actor (API key authentication knows it first)."""
    request._actor = actor
