"""Admin for uploads (status, progress, per-record report), the queue of held records, and the MHLW export action.

Held records (SPEC §1.5: a record that matches nobody is never dropped) are linked by staff to a person found
by card number, kana name or birth date, or rejected; a linked record is then stored and judged like any other.
`export_mhlw_action` is added to the checkup admin's actions by checkups/admin.py.
"""

import datetime as dt
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from infra.i18n import StrOrPromise
from intake.services import held_record_link
from members.actors import actor_from_request
from members.admin_base import ScopedAdmin
from members.audit import access_log_record
from members.models import AccessLog, InsuredPerson, Insurer
from members.normalize import normalize_card_part, normalize_kana

from .admin_export import run_failure
from .admin_staff_upload import staff_upload_view
from .export_runs import ExportSequenceExhausted, export_run_build, export_run_downloaded, export_run_request
from .models import HeldRecord, Upload
from .selectors import REFUSAL_RECENT_DAYS, refusals_recent_since, uploads_with_refusals_q
from .services import held_record_reject
from .upload_report import upload_report_rows

CANDIDATE_LIMIT = 50
RESULT_FIELDS = ("status", "progress", "accepted", "held", "rejected", "file_error", "record_report")
SENDER_FIELDS = (
    "sender",
    "submitted_by_clinic",
    "submitted_by_employer",
    "submitted_by_provider",
    "submitted_by_user",
    "insurer",
    "kind",
    "source",
    "file_name",
    "sha256",
    "size",
    "idempotency_key",
    "created_at",
    "finished_at",
)


class RefusalFilter(admin.SimpleListFilter):
    """Uploads that refused a record or the whole file (the staff home links to the recent ones)."""

    title = _("拒否された記録")
    parameter_name = "refused"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("recent", _("あり(過去%(days)s日)") % {"days": REFUSAL_RECENT_DAYS}),
            ("any", _("あり(すべての期間)")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "recent":
            return queryset.filter(uploads_with_refusals_q(since=refusals_recent_since(timezone.localdate())))
        if self.value() == "any":
            return queryset.filter(uploads_with_refusals_q())
        return queryset


@admin.register(Upload)
class UploadAdmin(ScopedAdmin):
    list_display = [
        "created_at",
        "file_name",
        "kind",
        "sender",
        "status",
        "progress",
        "accepted",
        "rejected",
        "held",
    ]
    list_filter = [RefusalFilter, "status", "kind", "source"]
    exclude = ["content"]
    # what happened first (progress and each record's result), then who sent what
    fieldsets = [
        (None, {"fields": RESULT_FIELDS}),
        (_("送信者とファイル"), {"fields": SENDER_FIELDS}),
    ]
    readonly_fields = (*RESULT_FIELDS, *SENDER_FIELDS)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        senders = (
            "submitted_by_clinic",
            "submitted_by_employer",
            "submitted_by_provider",
            "submitted_by_user",
            "insurer",
        )
        return super().get_queryset(request).defer("content").select_related(*senders)

    def get_urls(self) -> list:
        view = self.admin_site.admin_view(self.staff_upload)
        return [path("upload/", view, name="checkups_upload_upload"), *super().get_urls()]

    def staff_upload(self, request: HttpRequest) -> HttpResponse:
        """健診結果ファイルの取込: a clinic's ZIP/XML through the same intake as the API (admin_staff_upload)."""
        return staff_upload_view(self, request, self.actor(request))

    @admin.display(description=_("送信者"))
    def sender(self, obj: Upload) -> str:
        """Who sent it, by name (never the internal label "clinic:<pk>")."""
        senders = (obj.submitted_by_clinic, obj.submitted_by_employer, obj.submitted_by_provider)
        names = [str(o) for o in senders if o is not None]
        if obj.submitted_by_user_id is not None:
            names.append(str(_("職員 %(name)s が取込") % {"name": obj.submitted_by_user}))
        return " / ".join(names) or str(_("管理コマンド"))

    @admin.display(description=_("進捗"))
    def progress(self, obj: Upload) -> str:
        return f"{obj.done} / {obj.total}"

    @admin.display(description=_("ファイルエラー"))
    def file_error(self, obj: Upload) -> str:
        return obj.error["message_ja"] if obj.error else "—"

    @admin.display(description=_("記録ごとの結果"))
    def record_report(self, obj: Upload) -> SafeString:
        entries = obj.report_entries()
        rows = upload_report_rows(obj, entries=entries)
        html = render_to_string(
            "admin/checkups/upload/_report.html", {"rows": rows, "more": max(len(entries) - len(rows), 0)}
        )
        return mark_safe(html.replace("\n", " "))  # noqa: S308  # the template escapes; the admin turns newlines into <br>


def _document_field(name: str, label: StrOrPromise) -> Any:
    def value(obj: HeldRecord) -> Any:
        return obj.document.get(name, "")

    value.short_description = label  # type: ignore[attr-defined]  # the admin reads a column title off the function
    return value


@admin.register(HeldRecord)
class HeldRecordAdmin(ScopedAdmin):
    """照合保留: link to a person (then stored like any record) or reject."""

    list_display = [
        "created_at",
        "exam_date",
        "insurer",
        _document_field("card_number", _("番号")),
        _document_field("name_kana", _("氏名(カナ)")),
        _document_field("birth_date", _("生年月日")),
        "reason_ja",
        "status",
        "link_button",
    ]
    list_filter = ["status", "reason", "source"]
    actions = ["reject_selected"]
    readonly_fields = [
        "insurer",
        "source",
        "exam_date",
        "reason",
        "reason_ja",
        "status",
        "checkup",
        "resolved_by",
        "resolved_at",
    ]
    exclude = ["document", "reason_en", "submitted_by_clinic", "submitted_by_employer"]

    @admin.display(description=_("紐付け"))
    def link_button(self, obj: HeldRecord) -> str:
        if obj.status != HeldRecord.Status.HELD:
            return "—"
        url = reverse("admin:checkups_heldrecord_link", args=[obj.pk])
        return format_html('<a class="button" href="{}">{}</a>', url, _("加入者を探して紐付け"))

    def get_urls(self) -> list:
        return [
            path("<int:pk>/link/", self.admin_site.admin_view(self.link_view), name="checkups_heldrecord_link"),
            *super().get_urls(),
        ]

    def _candidates(self, request: HttpRequest, held: HeldRecord) -> QuerySet:
        people = InsuredPerson.objects.visible_to(self.actor(request)).filter(insurer_id=held.insurer_id)
        number = normalize_card_part(request.GET.get("card_number", ""))
        kana = normalize_kana(request.GET.get("name_kana", ""))
        birth = request.GET.get("birth_date", "")
        if not (number or kana or birth):
            return people.none()
        if number:
            people = people.filter(card_number=number)
        if kana:
            people = people.filter(name_kana__contains=kana)
        if birth:
            try:
                people = people.filter(birth_date=dt.date.fromisoformat(birth))
            except ValueError:
                return people.none()
        return people.order_by("card_number", "card_branch")[:CANDIDATE_LIMIT]

    def link_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        held = get_object_or_404(self.get_queryset(request), pk=pk)
        if request.method == "POST" and held.status == HeldRecord.Status.HELD:
            if request.POST.get("reject"):
                held_record_reject(held=held, user=request.user)
                self.message_user(request, _("却下しました。"), messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:checkups_heldrecord_changelist"))
            person = get_object_or_404(
                InsuredPerson.objects.visible_to(self.actor(request)),
                pk=request.POST.get("person"),
                insurer=held.insurer,
            )
            checkup = held_record_link(held=held, person=person, user=request.user)
            access_log_record(
                actor=self.actor(request),
                person_ids=[person.pk],
                action=AccessLog.Action.ADMIN_CHANGE,
                target=f"checkup:{checkup.pk}",
                request=request,
            )
            self.message_user(request, _("加入者に紐付けて取り込みました。"), messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:checkups_heldrecord_changelist"))
        document = held.document
        initial = {
            "card_number": request.GET.get("card_number", document.get("card_number", "")),
            "name_kana": request.GET.get("name_kana", ""),
            "birth_date": request.GET.get("birth_date", ""),
        }
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("照合保留の健診結果を加入者に紐付け"),
            "held": held,
            "document": document,
            "initial": initial,
            "candidates": self._candidates(request, held),
        }
        return TemplateResponse(request, "admin/checkups/heldrecord/link.html", context)

    @admin.action(description=_("選択した保留記録を却下"))
    def reject_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = 0
        for held in queryset.filter(status=HeldRecord.Status.HELD):
            held_record_reject(held=held, user=request.user)
            count += 1
        self.message_user(request, _("%(n)s 件を却下しました。") % {"n": count}, messages.SUCCESS)


@admin.action(description=_("選択した年度・保険者をMHLW形式で出力 (第4期アーカイブ)"))
def export_mhlw_action(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet
) -> HttpResponseBase | None:
    """Exports the whole fiscal year of the selected checkups' insurer, as a run of the export page (its own file
    name: the day's next sequence number, issue #16), built while the staff member waits."""
    pairs = list(queryset.order_by().values_list("insurer_id", "fiscal_year").distinct())
    if len(pairs) != 1:
        modeladmin.message_user(
            request, _("出力は1つの保険者・1つの年度の健診結果を選択して実行してください。"), messages.ERROR
        )
        return None
    insurer_id, fiscal_year = pairs[0]
    actor = actor_from_request(request)
    insurer = get_object_or_404(Insurer.objects.visible_to(actor), pk=insurer_id)
    try:
        run = export_run_request(insurer=insurer, fiscal_year=fiscal_year, requested_by=request.user)
    except ExportSequenceExhausted:
        modeladmin.message_user(request, _("同じ日に作成できる送付ファイルの数を超えました。"), messages.ERROR)
        return None
    run = export_run_build(run_id=run.pk)
    if not run.downloadable:
        modeladmin.message_user(request, run_failure(run), messages.ERROR)
        return None
    export_run_downloaded(run=run, actor=actor, request=request)
    return FileResponse(run.file.open("rb"), as_attachment=True, filename=run.file_name, content_type="application/zip")
