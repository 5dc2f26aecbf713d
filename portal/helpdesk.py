"""The insurer's help desk (問い合わせ窓口) a person can call when stuck: name, phone, hours (issue #18).

Configured per insurer in the admin (`members.Insurer.help_desk_*`). Which insurer: the logged-in person's, a staff
user's (their first insurer), or — for someone not logged in (login, lockout, error pages) — the one insurer of the
installation that has a help desk configured. With several, nobody's is shown to an anonymous visitor (no insurer
is named to someone we do not know); the page then points to the insurer printed on the insurance card.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from members.actors import ActorKind, actor_from_request
from members.models import InsuredPerson, Insurer

CONFIGURED = ~Q(help_desk_name="") | ~Q(help_desk_phone="")


@dataclass(frozen=True)
class HelpDesk:
    insurer_name: str
    name: str
    phone: str
    hours: str

    @classmethod
    def of(cls, insurer: Insurer) -> "HelpDesk":
        return cls(insurer.name, insurer.help_desk_name, insurer.help_desk_phone, insurer.help_desk_hours)

    @property
    def configured(self) -> bool:
        return bool(self.name or self.phone)


def help_desk_of_insurer(insurer: Insurer | None) -> HelpDesk | None:
    return HelpDesk.of(insurer) if insurer is not None else None


def help_desk_for_request(request: Any) -> HelpDesk | None:
    """One query at most (none for a person: read with the session user, members.auth_backend). Callers on error
    pages catch DatabaseError (on a 500 the database may be the cause)."""
    actor = actor_from_request(request)
    if actor.kind == ActorKind.PERSON and actor.person_id is not None:
        person = getattr(request.user, "insured_person", None)  # read with the user (members.auth_backend)
        if person is None or person.pk != actor.person_id:
            person = InsuredPerson.objects.select_related("insurer").filter(pk=actor.person_id).first()
        return help_desk_of_insurer(person.insurer if person else None)
    if actor.kind == ActorKind.STAFF:
        return help_desk_of_insurer(Insurer.objects.filter(pk__in=actor.insurer_ids).order_by("number").first())
    if actor.kind in (ActorKind.ANONYMOUS, ActorKind.SUPERUSER):
        configured = list(Insurer.objects.filter(CONFIGURED).order_by("number")[:2])
        return HelpDesk.of(configured[0]) if len(configured) == 1 else None
    return None
