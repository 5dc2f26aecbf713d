"""Staff issue invitation letters (登録・パスワード再設定), may read a person's own weight/waist log, and print a
person's 医療機関持参用文書 (the same document the person prints; each view is in the access log)."""

from typing import Any, cast

from django import forms
from django.contrib import admin
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from checkups.models import Checkup
from members.access_words import staff_display_name
from members.actors import actor_from_request
from members.admin_base import ScopedAdmin
from members.audit import access_log_record
from members.models import AccessLog, InsuredPerson

from .access import lang
from .document import checkup_document
from .models import Invitation, SelfMeasurement
from .qr import qr_data_uri
from .services import invitation_issue

SESSION_CODES = "portal_invitation_codes"  # {invitation pk: code}, popped when the letter is shown once


class IssueForm(forms.Form):
    person = forms.ModelChoiceField(queryset=InsuredPerson.objects.none(), label=_("加入者"))

    def __init__(self, *args: Any, persons: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["person"]).queryset = persons
        self.fields["person"].widget = forms.NumberInput()
        self.fields["person"].help_text = _("加入者一覧のID(番号)。加入者の画面の「招待状を発行」からも開けます。")


@admin.register(Invitation)
class InvitationAdmin(ScopedAdmin):
    staff_can_add = True
    list_display = ["person", "created_at", "expires_at", "used_at", "revoked_at", "is_reset", "issued_by"]
    list_filter = ["is_reset"]
    list_select_related = ["person", "created_by"]
    readonly_fields = ("person", "created_at", "expires_at", "used_at", "revoked_at", "is_reset", "issued_by")
    fields = readonly_fields

    @admin.display(description=_("発行者"), ordering="created_by__last_name")
    def issued_by(self, obj: Invitation) -> str:
        return staff_display_name(obj.created_by) or "—"

    def get_urls(self) -> list:
        return [
            path("issue/", self.admin_site.admin_view(self.issue_view), name="portal_invitation_issue"),
            path(
                "issue/<int:person_id>/",
                self.admin_site.admin_view(self.issue_view),
                name="portal_invitation_issue_for",
            ),
            path("<int:pk>/letter/", self.admin_site.admin_view(self.letter_view), name="portal_invitation_letter"),
            *super().get_urls(),
        ]

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context: dict | None = None) -> HttpResponse:
        return HttpResponseRedirect(reverse("admin:portal_invitation_issue"))

    def issue_view(self, request: HttpRequest, person_id: int | None = None) -> HttpResponse:
        """GET shows a confirmation, POST issues: a new code replaces any unused one (password reset too)."""
        if not self.has_add_permission(request):
            raise Http404
        persons = InsuredPerson.objects.visible_to(self.actor(request)).select_related("insurer")
        initial = {"person": person_id} if person_id else {}
        form = IssueForm(request.POST or None, initial=initial, persons=persons)
        if request.method == "POST" and form.is_valid():
            issued = invitation_issue(person=form.cleaned_data["person"], created_by=request.user)
            codes = request.session.get(SESSION_CODES, {})
            codes[str(issued.invitation.pk)] = issued.code
            request.session[SESSION_CODES] = codes
            return HttpResponseRedirect(reverse("admin:portal_invitation_letter", args=[issued.invitation.pk]))
        person = persons.filter(pk=person_id).first() if person_id else None
        if person_id and person is None:
            raise Http404
        context = {**self.admin_site.each_context(request), "form": form, "person": person, "opts": self.opts,
                   "title": _("招待状を発行")}  # fmt: skip
        return TemplateResponse(request, "portal/admin/issue.html", context)

    def letter_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The printable letter; the code is in it only the first time (it is not stored)."""
        invitations = self.get_queryset(request).select_related("person", "person__insurer", "person__user")
        invitation = invitations.filter(pk=pk).first()
        if invitation is None:
            raise Http404
        codes = request.session.get(SESSION_CODES, {})
        code = codes.pop(str(pk), None)
        request.session[SESSION_CODES] = codes
        register_url = request.build_absolute_uri(reverse("portal:register"))
        context = {
            "invitation": invitation,
            "person": invitation.person,
            "code": code,
            "register_url": register_url,
            "qr": qr_data_uri(register_url),  # the address only: no code, no name
        }
        response = TemplateResponse(request, "portal/admin/letter.html", context)
        response["Cache-Control"] = "no-store"
        return response


@admin.register(SelfMeasurement)
class SelfMeasurementAdmin(ScopedAdmin):
    """Read-only: what a person logged for themselves (never counts for the final evaluation, SPEC §5.3)."""

    list_display = ["person", "measured_on", "weight_kg", "waist_cm", "created_at"]
    list_select_related = ["person"]
    readonly_fields = ["person", "measured_on", "weight_kg", "waist_cm", "created_at"]
    audit_action = AccessLog.Action.ADMIN_VIEW


def doctor_document_view(request: HttpRequest, person_id: int, fiscal_year: int | None = None) -> HttpResponse:
    """The person's 医療機関持参用文書 for staff: another insurer's person or a year without checkups is a 404;
    every view is an ADMIN_VIEW row of the access log the person sees."""
    actor = actor_from_request(request)
    person = InsuredPerson.objects.visible_to(actor).select_related("insurer").filter(pk=person_id).first()
    if person is None:
        raise Http404
    checkups = Checkup.objects.visible_to(actor).filter(person=person).select_related("clinic")
    years = list(checkups.order_by("-fiscal_year").values_list("fiscal_year", flat=True).distinct())
    if fiscal_year is None:
        if not years:
            raise Http404
        fiscal_year = years[0]
    of_year = sorted(checkups.filter(fiscal_year=fiscal_year), key=lambda c: (c.program, c.exam_date))
    if not of_year:
        raise Http404
    access_log_record(actor=actor, person_ids=[person.pk], action=AccessLog.Action.ADMIN_VIEW,
                      target="doctor_document:" + ",".join(str(c.pk) for c in of_year), request=request)  # fmt: skip
    language = lang()
    context = {
        "person": person,
        "documents": [checkup_document(c, sex=person.sex, lang=language) for c in of_year],
        "fiscal_year": fiscal_year,
        "staff": True,
        "other_years": [
            {"year": y, "url": reverse("portal_staff:doctor_document_year", args=[person.pk, y])}
            for y in years
            if y != fiscal_year
        ],
        "back_url": reverse("admin:members_insuredperson_change", args=[person.pk]),
        "created_on": timezone.localdate(),
    }
    response = TemplateResponse(request, "portal/document.html", context)
    response["Cache-Control"] = "no-store"
    return response


# Mounted under the admin URL by config.urls (namespace "portal_staff"), behind the admin's login and 2FA.
staff_urls = [
    path("document/<int:person_id>/", admin.site.admin_view(doctor_document_view), name="doctor_document"),
    path(
        "document/<int:person_id>/<int:fiscal_year>/",
        admin.site.admin_view(doctor_document_view),
        name="doctor_document_year",
    ),
]
