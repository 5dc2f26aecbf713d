"""The person page (加入者ページ): one page per insured person that links to everything staff do for them.

Enrollment periods and exclusions; every fiscal year's checkups (level, メタボ判定, counted for the rate or not and
why); guidance programmes (state, points, next action); employer checkups; the self-service account; who viewed
the record. A constant number of queries whatever the history (pinned in tests/staff/test_person_page.py).

It shows every app's data with their rule modules and codes, so it lives in the top layer like the staff home
(config.staff_home); config.admin_site serves it as the change page of an insured person on GET.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from checkups.codes import Program
from checkups.selectors import person_checkups
from guidance.codes import ProgrammeLevel
from guidance.completion import OPEN_STATUSES
from guidance.points import COMPLETION_POINTS
from guidance.selectors import person_programmes
from guidance.wording import day, missing_points, next_action_label
from members import access_words
from members.actors import Actor
from members.admin_base import ScopedAdmin
from members.audit import person_access_log
from members.fiscal import age_on
from members.models import InsuredPerson
from portal.selectors import person_invitations
from rates.counting import checkup_counting, year_facts


def person_page_context(*, actor: Actor, person: InsuredPerson) -> dict[str, Any]:
    today = timezone.localdate()
    checkups = person_checkups(actor=actor, person_id=person.pk)
    facts = year_facts(person=person, fiscal_years={c.fiscal_year for c in checkups})
    counting = checkup_counting(person=person, checkups=checkups, facts=facts)
    programmes = person_programmes(actor=actor, person_id=person.pk)
    checkup_rows = []
    for checkup in checkups:
        programme = getattr(checkup, "programme", None)  # reverse one-to-one, selected with the checkup
        count = counting[checkup.pk]
        checkup_rows.append(
            {
                "checkup": checkup,
                "url": reverse("admin:checkups_checkup_change", args=[checkup.pk]),
                "year": _("%(year)s年度") % {"year": checkup.fiscal_year},
                "level": checkup.get_guidance_level_display() or "—",
                "metabolic": checkup.get_metabolic_judgment_display() or "—",
                "counting": count,
                "programme_url": reverse("admin:guidance_programme_change", args=[programme.pk]) if programme else "",
                "employer": checkup.program == Program.EMPLOYER_CHECKUP,
            }
        )
    programme_rows = [
        {
            "programme": p,
            "url": reverse("admin:guidance_programme_change", args=[p.pk]),
            "year": _("%(year)s年度") % {"year": p.fiscal_year},
            "points": f"{p.total_points} / {COMPLETION_POINTS}" if p.level == ProgrammeLevel.INTENSIVE else "",
            "missing": missing_points(p) if p.status in OPEN_STATUSES else 0,
            "next": next_action_label(p),
            "due": day(p.next_action_due),
            "staff": access_words.staff_display_name(p.assigned_staff),
            "checkup_url": reverse("admin:checkups_checkup_change", args=[p.checkup_id]),
        }
        for p in programmes
    ]
    details = {f"checkup:{c.pk}": _("健診結果(%(day)s)") % {"day": day(c.exam_date)} for c in checkups}
    details |= {
        f"programme:{p.pk}": _("保健指導プログラム(%(year)s年度 %(level)s)")
        % {"year": p.fiscal_year, "level": p.get_level_display()}
        for p in programmes
    }
    details[f"insuredperson:{person.pk}"] = _("加入者ページ")
    details[f"person:{person.pk}"] = _("加入者情報")
    access_rows = [
        {"log": log, "who": access_words.who(log), "what": access_words.what(log.target, details)}
        for log in person_access_log(actor=actor, person_id=person.pk)
    ]
    user = person.user
    return {
        "person": person,
        "age_now": age_on(person.birth_date, today),
        "enrollments": list(person.enrollments.order_by("acquired_on")),
        "exclusions": list(person.exclusions.order_by("starts_on")),
        "checkup_rows": [row for row in checkup_rows if not row["employer"]],
        "employer_rows": [row for row in checkup_rows if row["employer"]],
        "programme_rows": programme_rows,
        "account": {
            "registered": user is not None,
            "username": user.get_username() if user else "",
            "last_login": user.last_login if user else None,
        },
        "invitations": person_invitations(actor=actor, person_id=person.pk),
        "invitation_url": reverse("admin:portal_invitation_issue_for", args=[person.pk]),
        "document_url": reverse("portal_staff:doctor_document", args=[person.pk]) if checkups else "",
        "access_rows": access_rows,
        "access_log_url": reverse("admin:members_accesslog_changelist") + f"?person__id__exact={person.pk}",
        "edit_url": reverse("admin:members_insuredperson_edit", args=[person.pk]),
        "today": today,
    }


def person_page(request: HttpRequest, model_admin: ScopedAdmin, object_id: str) -> HttpResponse:
    """The person page on GET; any other method is the edit form's save (the admin's own change view)."""
    if request.method != "GET":
        return model_admin.change_view(request, object_id)
    person = model_admin.visible_or_404(request, object_id)
    model_admin.log_view(request, person)
    context = {
        **model_admin.admin_site.each_context(request),
        **person_page_context(actor=model_admin.actor(request), person=person),
        "opts": model_admin.model._meta,
        "title": str(person),
    }
    return TemplateResponse(request, "admin/members/insuredperson/hub.html", context)
