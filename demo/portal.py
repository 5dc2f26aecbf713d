"""Demo accounts for the self-service page (seed_demo): an insured person and a dependent, known passwords."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Q

from demo.population import DEMO_STAFF_USERNAME
from members.actors import actor_for_user
from members.age_basis import target_age_q
from members.audit import access_log_record
from members.codes import Relationship
from members.fiscal import fiscal_year_of
from members.models import AccessLog, InsuredPerson
from portal.models import SelfMeasurement
from portal.services import invitation_issue, invitation_redeem

DEMO_PASSWORD = "kenko-portal-2026"  # noqa: S105 - demo data only, printed by seed_demo
DEMO_ACCOUNTS = (("demo-honnin", Relationship.SELF), ("demo-kazoku", Relationship.FAMILY))


def _pick(insurer: Any, relationship: str, today: dt.date) -> InsuredPerson | None:
    """The person of that relationship with the most checkups (a programme first), of target age when possible."""
    base = InsuredPerson.objects.filter(insurer=insurer, relationship=relationship, user__isnull=True)
    ranked = base.annotate(n_checkups=Count("checkups", distinct=True), n_programmes=Count("programmes", distinct=True))
    adults = ranked.filter(target_age_q(fiscal_year_of(today)))  # SPEC §1.3: of target age this fiscal year
    for queryset in (adults, ranked):
        person = queryset.order_by("-n_programmes", "-n_checkups", "pk").first()
        if person is not None:
            return person
    return None


DEMO_HELP_DESK = {  # fictional: the help desk shown on the portal's pages and letters (issue #18)
    "help_desk_name": "健康管理課 保健事業担当",
    "help_desk_phone": "03-0000-0000",
    "help_desk_hours": "平日 9:00〜17:00(祝日・年末年始を除く)",
}


@transaction.atomic
def seed(population: Any, *, today: dt.date) -> str:
    insurer = population.insurer
    if not insurer.help_desk_phone:
        for field, value in DEMO_HELP_DESK.items():
            setattr(insurer, field, value)
        insurer.save(update_fields=list(DEMO_HELP_DESK))
    staff = get_user_model().objects.filter(username=DEMO_STAFF_USERNAME).first()
    created = []
    for username, relationship in DEMO_ACCOUNTS:
        if get_user_model().objects.filter(username=username).exists():
            continue
        person = _pick(population.insurer, relationship, today)
        if person is None:
            continue
        issued = invitation_issue(person=person, created_by=staff)
        invitation_redeem(code=issued.code, birth_date=person.birth_date, username=username, password=DEMO_PASSWORD)
        created.append(f"{username} / {DEMO_PASSWORD}")
        _demo_history(person, staff, today)
    if not created:
        return "no portal accounts created"
    return "portal logins (http://127.0.0.1:8000/login/): " + ", ".join(created)


def _demo_history(person: InsuredPerson, staff: Any, today: dt.date) -> None:
    """A few own weight entries and two synthetic staff reads, so every page has something to show."""
    weight = person.checkups.filter(~Q(weight_kg=None)).order_by("-exam_date").values_list("weight_kg", flat=True)
    start = weight.first() or Decimal("70.0")
    SelfMeasurement.objects.bulk_create(
        SelfMeasurement(
            person=person, measured_on=today - dt.timedelta(days=14 * k), weight_kg=start - Decimal("0.3") * (6 - k)
        )
        for k in range(6, 0, -1)
    )
    if staff is not None:
        for action in (AccessLog.Action.ADMIN_VIEW, AccessLog.Action.EXPORT):
            access_log_record(actor=actor_for_user(staff), person_ids=[person.pk], action=action,
                              target=f"person:{person.pk}")  # fmt: skip
