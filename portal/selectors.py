"""Read paths of the self-service page; every query starts from `visible_to(actor)`."""

import datetime as dt
from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from checkups.codes import Program
from checkups.models import Checkup
from guidance.models import Contact, Programme
from members.actors import Actor
from members.audit import PROVIDER_ROLE
from members.models import AccessLog, InsuredPerson
from rates.counting import year_facts

from .explain import target_year_notes
from .goal import Baseline
from .models import Invitation, SelfMeasurement


def person_get(*, actor: Actor) -> InsuredPerson:
    if actor.person_id is None:
        raise Http404
    person = InsuredPerson.objects.visible_to(actor).select_related("insurer").filter(pk=actor.person_id).first()
    if person is None:
        raise Http404
    return person


def checkup_list(*, actor: Actor, program: str | None = None) -> QuerySet[Checkup]:
    queryset = Checkup.objects.visible_to(actor).select_related("clinic").order_by("-exam_date", "pk")
    return queryset.filter(program=program) if program else queryset


def checkups_of_year(*, actor: Actor, fiscal_year: int) -> list[Checkup]:
    """All checkups of one fiscal year (特定健診 first); none → 404, whoever else's they might be."""
    checkups = sorted(checkup_list(actor=actor).filter(fiscal_year=fiscal_year), key=lambda c: (c.program, c.exam_date))
    if not checkups:
        raise Http404
    return checkups


def checkup_years(*, actor: Actor) -> list[int]:
    return list(checkup_list(actor=actor).order_by("-fiscal_year").values_list("fiscal_year", flat=True).distinct())


def level_checkup(*, actor: Actor, latest: Checkup | None = None) -> Checkup | None:
    """The latest checkup that carries a guidance level (the one the fiscal year counts, SPEC §6.1).

    Given `latest` (`latest_checkup`'s answer) that is itself such a checkup, it is the one: the newest exam is in
    the newest fiscal year and a year counts one checkup. No query then."""
    if latest is not None and latest.guidance_level is not None and latest.counts_for_fiscal_year:
        return latest
    return (
        checkup_list(actor=actor)
        .filter(guidance_level__isnull=False, counts_for_fiscal_year=True)
        .order_by("-fiscal_year", "-exam_date")
        .first()
    )


def latest_checkup(*, actor: Actor) -> Checkup | None:
    """The newest checkup of any kind: what the home page speaks about first."""
    return checkup_list(actor=actor).first()


def first_checkup_date(*, actor: Actor) -> dt.date | None:
    return checkup_list(actor=actor).order_by("exam_date").values_list("exam_date", flat=True).first()


def weight_baselines(*, actor: Actor) -> list[Baseline]:
    """The checkups with an exam-day weight, oldest first: a self-logged weight belongs to the latest one before it."""
    rows = (
        checkup_list(actor=actor)
        .filter(weight_kg__isnull=False)
        .order_by("exam_date", "pk")
        .values_list("pk", "exam_date", "fiscal_year", "program", "weight_kg", "waist_cm")
    )
    return [Baseline(*row) for row in rows]


def programme_latest(*, actor: Actor) -> Programme | None:
    """The newest programme (the home page shows its year, level and state: its checkup is not read)."""
    return Programme.objects.visible_to(actor).order_by("-fiscal_year", "-pk").first()


def programme_list(*, actor: Actor) -> list[Programme]:
    """Every programme of the person, newest fiscal year first (each shows its own year)."""
    return list(Programme.objects.visible_to(actor).select_related("checkup").order_by("-fiscal_year", "-pk"))


def contact_list(*, programme: Programme) -> QuerySet[Contact]:
    """Contacts of a programme already narrowed to the person; staff notes are never selected."""
    return Contact.objects.filter(programme=programme).only(
        "kind", "form", "date", "minutes", "weight_kg", "waist_cm", "programme_id"
    )


def self_measurement_list(*, actor: Actor) -> QuerySet[SelfMeasurement]:
    return SelfMeasurement.objects.visible_to(actor).order_by("measured_on", "pk")


def self_measurement_get(*, actor: Actor, public_id: str) -> SelfMeasurement:
    entry = self_measurement_list(actor=actor).filter(public_id=public_id).first()
    if entry is None:
        raise Http404
    return entry


@dataclass(frozen=True)
class AccessRow:
    at: datetime
    who: str
    action: str


def access_rows(*, actor: Actor, person: InsuredPerson, limit: int = 500) -> list[AccessRow]:
    """Who at the insurer read the record: staff names or job titles, as the insurer chose (issue #8)."""
    show_names = person.insurer.show_staff_names_to_members
    rows = []
    for log in AccessLog.objects.visible_to(actor).select_related("user")[:limit]:
        if log.user is None and log.actor_role == PROVIDER_ROLE:
            who = f"{log.actor_label}({_('保健指導機関')})"  # the guidance provider the insurer contracted
        elif log.user is None:
            who = _("保険者のシステム")
        elif show_names:
            who = log.user.get_full_name() or log.user.get_username()
        else:
            who = log.actor_role or _("保険者の職員")
        rows.append(AccessRow(at=log.at, who=who, action=log.get_action_display()))
    return rows


EMPLOYER_PROGRAM = Program.EMPLOYER_CHECKUP  # 030 (SPEC §7.1), received also for people under 40


def person_invitations(*, actor: Actor, person_id: int, limit: int = 3) -> list[Invitation]:
    """The latest invitation letters of a person (staff: issued, used, expired), newest first."""
    return list(Invitation.objects.visible_to(actor).filter(person_id=person_id).order_by("-created_at")[:limit])


def target_notes(*, person: InsuredPerson, fiscal_year: int) -> list[str]:
    """Whether the person is a 特定健診 target in FY N and why, in words (SPEC §1.2–§1.4): the age rules of
    `members.age_basis`, enrollment and exclusions as the rates count them (`rates.counting`, one query)."""
    facts = year_facts(person=person, fiscal_years=[fiscal_year])[fiscal_year]
    return target_year_notes(
        birth_date=person.birth_date,
        fiscal_year=fiscal_year,
        enrolled_all_year=facts.enrolled_all_year,
        excluded=facts.excluded,
    )
