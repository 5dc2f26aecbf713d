"""Admin of roster imports: upload → preview (counts, changes in words, errors) → confirm."""

import datetime as dt
from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from infra.i18n import StrOrPromise

from ..admin_base import ScopedAdmin
from ..codes import Relationship, Sex
from ..dates import day
from ..models import (
    Employer,
    InsuredPerson,
    Insurer,
    RosterImport,
)
from ..roster import ROSTER_COLUMN_LABELS, roster_confirm, roster_prepare


class RosterUploadForm(forms.Form):
    insurer = forms.ModelChoiceField(queryset=Insurer.objects.none(), label=_("保険者"))
    file = forms.FileField(label=_("名簿CSV (UTF-8 / Shift_JIS)"))


ENCODING_NAMES = {"cp932": "Shift_JIS", "shift_jis": "Shift_JIS", "utf-8": "UTF-8", "utf-8-sig": "UTF-8"}
ROSTER_CHANGE_LIMIT = 50  # changed persons listed in the preview (the counts cover them all)


def _shown(field: str, value: object, employers: dict[Any, str]) -> str:
    """A roster value as staff read it: the employer's name, 男/女, 本人/家族, dates as 2026年4月1日."""
    if value in (None, ""):
        return "—"
    if field == "employer_id":
        return employers.get(value, "—")
    if field == "sex":
        return str(Sex(int(str(value))).label)
    if field == "relationship":
        return str(dict(Relationship.choices).get(str(value), value))
    if field == "birth_date":
        return day(value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)))
    return str(value)


def _field_label(field: str) -> StrOrPromise:
    model_field = InsuredPerson._meta.get_field(field.removesuffix("_id"))
    return getattr(model_field, "verbose_name", field)


def _roster_change_rows(plan: Any) -> list[dict[str, Any]]:
    """The preview's changed persons by name, with their page and each change in words (2 queries)."""
    shown = plan.changed_persons[:ROSTER_CHANGE_LIMIT]
    people = InsuredPerson.objects.in_bulk([pk for pk, _changes in shown])
    employer_ids = {v for _pk, changes in shown for (k, pair) in changes.items() if k == "employer_id" for v in pair}
    employers = {e.pk: e.name for e in Employer.objects.filter(pk__in=employer_ids - {None})}
    rows = []
    for pk, changes in shown:
        person = people.get(pk)
        rows.append(
            {
                "name": person.name_kana if person else "—",
                "url": reverse("admin:members_insuredperson_change", args=[pk]),
                "changes": [
                    (
                        _field_label(field),
                        _shown(field, old, employers),
                        _shown(field, new, employers),
                    )
                    for field, (old, new) in changes.items()
                ],
            }
        )
    return rows


def _in_language(error: dict[str, Any]) -> dict[str, Any]:
    """A row error with its message in the page's language only."""
    english = (get_language() or "ja").startswith("en")
    return {**error, "message": error["message_en"] if english else error["message_ja"]}


@admin.register(RosterImport)
class RosterImportAdmin(ScopedAdmin):
    """Upload → preview (counts, changes, errors) → confirm. Nothing is written before confirm."""

    list_display = ["created_at", "file_name", "insurer", "status", "row_count", "created_count", "updated_count"]
    readonly_fields = [f.name for f in RosterImport._meta.fields if f.name != "content"]
    exclude = ["content"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return RosterImport.objects.filter(insurer__in=Insurer.objects.visible_to(self.actor(request)))

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self.actor(request).is_staff

    def get_urls(self) -> list:
        return [
            path("upload/", self.admin_site.admin_view(self.upload_view), name="members_rosterimport_upload"),
            path(
                "<int:pk>/confirm/",
                self.admin_site.admin_view(self.confirm_view),
                name="members_rosterimport_confirm",
            ),
            *super().get_urls(),
        ]

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context: dict | None = None) -> HttpResponse:
        return HttpResponseRedirect(reverse("admin:members_rosterimport_upload"))

    def upload_view(self, request: HttpRequest) -> HttpResponse:
        form = RosterUploadForm(request.POST or None, request.FILES or None)
        cast(forms.ModelChoiceField, form.fields["insurer"]).queryset = Insurer.objects.visible_to(self.actor(request))
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "form": form}
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            record, plan = roster_prepare(
                data=upload.read(),
                file_name=upload.name,
                insurer=form.cleaned_data["insurer"],
                uploaded_by_id=request.user.pk,
            )
            context.update(
                record=record,
                plan=plan,
                changes=_roster_change_rows(plan) if plan is not None else [],
                errors=[_in_language(e) for e in record.errors or []],
                encoding=ENCODING_NAMES.get(record.encoding, record.encoding),
                title=_("名簿取込の確認"),
            )
            return TemplateResponse(request, "admin/members/rosterimport/preview.html", context)
        context.update(title=_("名簿CSVの取込"), columns=list(ROSTER_COLUMN_LABELS.items()))
        return TemplateResponse(request, "admin/members/rosterimport/upload.html", context)

    def confirm_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        record = get_object_or_404(self.get_queryset(request), pk=pk, status=RosterImport.Status.PREVIEWED)
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:members_rosterimport_upload"))
        roster_confirm(roster_import=record)
        self.message_user(
            request,
            _("取り込みました: 新規 %(new)s 件, 更新 %(upd)s 件, 変更なし %(same)s 件")
            % {"new": record.created_count, "upd": record.updated_count, "same": record.unchanged_count},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:members_rosterimport_changelist"))
