"""Staff admin for employer checkup data (SPEC §7): status page, request letters, CSV import with preview,
paper entry, and completing the ≥ 40 records that miss 特定健診 items."""

from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from checkups.mhlw.itemtable import item
from checkups.services import CorrectionRefused
from infra.i18n import in_page_language
from members.admin_base import ScopedAdmin
from members.audit import access_log_record
from members.fiscal import fiscal_year_of
from members.models import AccessLog, Employer, Insurer

from .csv_import import CsvUnreadable, evaluate_row
from .export import export_under_40
from .forms import CompleteItemsForm, CsvMappingForm, CsvUploadForm, PaperEntryForm, paper_item_codes
from .missing_items import missing_item_codes, missing_item_names
from .models import CsvImport, CsvMapping, IncompleteEmployerCheckup, Submission, SubmissionStatus
from .selectors import Counts, outstanding_rows, requested_items, submission_counts, submission_status_rows
from .services import (
    ROW_RESULT_LABELS,
    checkup_complete_items,
    csv_import_confirm,
    csv_import_prepare,
    paper_entry_store,
    submission_request,
    submissions_refresh,
)


def _insurer_and_year(admin_obj: ScopedAdmin, request: HttpRequest) -> tuple[Insurer, int]:
    insurers = Insurer.objects.visible_to(admin_obj.actor(request)).order_by("number")
    wanted = request.GET.get("insurer") or request.POST.get("insurer")
    insurer = insurers.filter(pk=wanted).first() if wanted and wanted.isdigit() else insurers.first()
    if insurer is None:
        raise Http404
    year = request.GET.get("fy") or request.POST.get("fy") or ""
    return insurer, int(year) if year.isdigit() else fiscal_year_of(timezone.localdate())


OUTSTANDING = "outstanding"  # ?status=outstanding: only the employers that still owe data


@admin.register(Submission)
class SubmissionAdmin(ScopedAdmin):
    """The list is the status page: every employer, its state and what it still owes (SPEC §7.3)."""

    staff_can_change = True  # rows are created by 「依頼を記録」 or when data arrives
    list_display = ["employer", "fiscal_year", "status", "requested_on", "due_on", "last_received_on"]
    fields = ["employer", "fiscal_year", "status", "requested_on", "due_on", "confirmed_complete", "notes"]
    readonly_fields = ["employer", "fiscal_year", "status"]

    def save_model(self, request: HttpRequest, obj: Submission, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        # the status follows the request date and the staff confirmation (SPEC §7.3)
        submissions_refresh(insurer_id=obj.insurer_id, fiscal_year=obj.fiscal_year, employer_ids=[obj.employer_id])

    def response_change(self, request: HttpRequest, obj: Submission) -> HttpResponse:
        return HttpResponseRedirect(f"{reverse('admin:employer_data_submission_changelist')}?fy={obj.fiscal_year}")

    def get_urls(self) -> list:
        view = self.admin_site.admin_view
        return [
            path("letter/<int:employer_id>/<int:fiscal_year>/", view(self.letter_view), name="employer_data_letter"),
            path("paper/", view(self.paper_view), name="employer_data_paper"),
            path("export-under-40/", view(self.export_view), name="employer_data_export"),
            *super().get_urls(),
        ]

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        insurer, fiscal_year = _insurer_and_year(self, request)
        actor = self.actor(request)
        if request.method == "POST" and actor.is_staff:
            self._status_post(request, insurer, fiscal_year)
            return HttpResponseRedirect(f"{request.path}?insurer={insurer.pk}&fy={fiscal_year}")
        rows = submission_status_rows(actor=actor, insurer_id=insurer.pk, fiscal_year=fiscal_year)
        tally = {s.value: 0 for s in SubmissionStatus}
        for row in rows:
            tally[row.status] += 1
        only_outstanding = request.GET.get("status") == OUTSTANDING  # the staff home links here
        if only_outstanding:
            rows = outstanding_rows(rows)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("事業主健診の提出状況"),
            "insurer": insurer,
            "insurers": Insurer.objects.visible_to(actor).order_by("number"),
            "fiscal_year": fiscal_year,
            "years": [fiscal_year - 1, fiscal_year, fiscal_year + 1],
            "rows": rows,
            "tally": [(SubmissionStatus(k).label, k, v) for k, v in tally.items()],
            "statuses": SubmissionStatus,
            "only_outstanding": only_outstanding,
        }
        return TemplateResponse(request, "admin/employer_data/status.html", context)

    def _status_post(self, request: HttpRequest, insurer: Insurer, fiscal_year: int) -> None:
        today = timezone.localdate()
        if request.POST.get("action") == "refresh":
            changed = submissions_refresh(insurer_id=insurer.pk, fiscal_year=fiscal_year)
            self.message_user(request, _("状況を再計算しました (%(n)s 件更新)") % {"n": changed}, messages.SUCCESS)
            return
        employer_pk = request.POST.get("employer") or ""
        employer = (
            Employer.objects.visible_to(self.actor(request)).filter(pk=employer_pk).first() if employer_pk else None
        )
        if employer is None or employer.insurer_id != insurer.pk:
            raise Http404
        submission_request(employer=employer, fiscal_year=fiscal_year, requested_on=today)
        self.message_user(request, _("%(e)s への依頼を記録しました") % {"e": employer.name}, messages.SUCCESS)

    def letter_view(self, request: HttpRequest, employer_id: int, fiscal_year: int) -> HttpResponse:
        employer = get_object_or_404(Employer.objects.visible_to(self.actor(request)), pk=employer_id)
        submission = Submission.objects.filter(employer=employer, fiscal_year=fiscal_year).first()
        counts = submission_counts(insurer_id=employer.insurer_id, fiscal_year=fiscal_year).get(employer.pk, Counts())
        context = {
            "employer": employer,
            "insurer": employer.insurer,
            "fiscal_year": fiscal_year,
            "submission": submission,
            "counts": counts,
            "today": timezone.localdate(),
            **requested_items(),
        }
        return TemplateResponse(request, "employer_data/letter.html", context)

    def paper_view(self, request: HttpRequest) -> HttpResponse:
        """Staff type in a paper result; the same mapping and validation as a CSV row (SPEC §7.2, §9.4)."""
        actor = self.actor(request)
        form = PaperEntryForm(request.POST or None, item_codes=paper_item_codes(), initial=request.GET.dict())
        cast(forms.ModelChoiceField, form.fields["employer"]).queryset = Employer.objects.visible_to(actor)
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "title": _("紙の健診結果の入力")}
        if request.method == "POST" and form.is_valid():
            employer = form.cleaned_data["employer"]
            today = timezone.localdate()
            outcome = evaluate_row(0, form.raw(), form.specs(), insurer_number=employer.insurer.number, today=today)
            for error in outcome.errors:
                message = f"{error.message_ja} / {error.message_en} [{error.code}]"
                form.add_error(error.column if error.column in form.fields else None, message)
            if outcome.ok and outcome.document is not None:
                result = paper_entry_store(employer=employer, document=outcome.document, today=today)
                if result.held is not None:
                    self.message_user(
                        request,
                        _("加入者と照合できないため保留しました: %(r)s") % {"r": result.held.reason_ja},
                        messages.WARNING,
                    )
                else:
                    assert result.checkup is not None
                    state = _("特定健診項目充足") if result.checkup.is_complete else _("特定健診項目不足")
                    self.message_user(request, _("登録しました (%(s)s)") % {"s": state}, messages.SUCCESS)
                return HttpResponseRedirect(f"{reverse('admin:employer_data_paper')}?employer={employer.pk}")
        context.update(form=form, warnings=[])
        return TemplateResponse(request, "admin/employer_data/paper_entry.html", context)

    def export_view(self, request: HttpRequest) -> HttpResponse:
        """The year's under-40 employer checkups as a 4th-period archive (formats-notes §3)."""
        insurer, fiscal_year = _insurer_and_year(self, request)
        name, data, person_ids = export_under_40(insurer=insurer, fiscal_year=fiscal_year, created=timezone.localdate())
        access_log_record(
            actor=self.actor(request),
            person_ids=person_ids,
            action=AccessLog.Action.EXPORT,
            target=f"employer_under40:{insurer.pk}:{fiscal_year}",
            request=request,
        )
        response = HttpResponse(data, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


@admin.register(CsvMapping)
class CsvMappingAdmin(ScopedAdmin):
    staff_can_add = staff_can_change = True
    form = CsvMappingForm
    list_display = ["name", "insurer", "employer", "clinic", "updated_at"]
    readonly_fields = ["columns_table"]

    @admin.display(description=_("対応の一覧"))
    def columns_table(self, obj: CsvMapping) -> str:
        rows = []
        for column in obj.columns:
            definition = item(column.get("item_code") or "")
            rows.append(
                (
                    column.get("column"),
                    column.get("role"),
                    f"{column.get('item_code')} {definition.name}" if definition else "",
                    ", ".join(f"{k}→{v}" for k, v in (column.get("recode") or {}).items()),
                    column.get("conversion") or "",
                )
            )
        body = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", rows)
        return format_html(
            "<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>{}</table>",
            _("列"),
            _("役割"),
            _("項目"),
            _("読み替え"),
            _("換算"),
            body,
        )


@admin.register(CsvImport)
class CsvImportAdmin(ScopedAdmin):
    """Upload → preview of the first rows with the mapping applied → confirm (SPEC §7.2)."""

    list_display = ["created_at", "file_name", "employer", "status", "row_count", "stored_count", "held_count"]
    list_display += ["rejected_count", "incomplete_count"]
    exclude = ["content", "report"]  # the report is shown as a table (report_table), never as raw JSON; no id
    readonly_fields = [
        *(f.name for f in CsvImport._meta.fields if f.name not in ("id", "content", "report")),
        "report_table",
    ]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self.actor(request).is_staff

    def get_urls(self) -> list:
        view = self.admin_site.admin_view
        return [
            path("upload/", view(self.upload_view), name="employer_data_csvimport_upload"),
            path("<int:pk>/confirm/", view(self.confirm_view), name="employer_data_csvimport_confirm"),
            *super().get_urls(),
        ]

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context: dict | None = None) -> HttpResponse:
        return HttpResponseRedirect(reverse("admin:employer_data_csvimport_upload"))

    @admin.display(description=_("行ごとの結果"))
    def report_table(self, obj: CsvImport) -> str:
        rows = []
        for entry in obj.report:
            problems = "; ".join(f"{e['column']}「{e['value']}」: {in_page_language(e)}" for e in entry["errors"])
            missing = "、".join(missing_item_names(entry.get("missing", [])))
            result = ROW_RESULT_LABELS.get(entry.get("result", ""), "")
            rows.append((entry["line"], result, problems or in_page_language(entry, "reason"), missing))
        body = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", rows)
        return format_html(
            "<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>{}</table>",
            _("行"),
            _("結果"),
            _("エラー"),
            _("特定健診の不足項目"),
            body,
        )

    def upload_view(self, request: HttpRequest) -> HttpResponse:
        actor = self.actor(request)
        form = CsvUploadForm(request.POST or None, request.FILES or None, initial=request.GET.dict())
        cast(forms.ModelChoiceField, form.fields["employer"]).queryset = Employer.objects.visible_to(actor)
        cast(forms.ModelChoiceField, form.fields["mapping"]).queryset = CsvMapping.objects.visible_to(actor)
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "form": form}
        if request.method == "POST" and form.is_valid():
            employer, mapping = form.cleaned_data["employer"], form.cleaned_data["mapping"]
            upload = form.cleaned_data["file"]
            try:
                record, shown = csv_import_prepare(
                    insurer=employer.insurer,
                    employer=employer,
                    mapping=mapping,
                    data=upload.read(),
                    file_name=upload.name,
                    uploaded_by_id=request.user.pk,
                    today=timezone.localdate(),
                )
            except CsvUnreadable as exc:
                form.add_error("file", f"{exc.message_ja} / {exc.message_en}")
            else:
                context.update(record=record, preview=shown, title=_("CSV取込の確認"))
                return TemplateResponse(request, "admin/employer_data/csv_preview.html", context)
        context["title"] = _("事業主健診CSVの取込")
        return TemplateResponse(request, "admin/employer_data/csv_upload.html", context)

    def confirm_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        record = get_object_or_404(self.get_queryset(request), pk=pk)
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:employer_data_csvimport_upload"))
        record = csv_import_confirm(csv_import=record, today=timezone.localdate())
        if record.status == CsvImport.Status.DUPLICATE:
            self.message_user(request, _("同じファイルは取込済みです。何も登録していません。"), messages.WARNING)
        else:
            self.message_user(
                request,
                _("取り込みました: 登録 %(s)s 件, 照合保留 %(h)s 件, エラー %(r)s 件, 特定健診項目不足 %(i)s 件")
                % {
                    "s": record.stored_count,
                    "h": record.held_count,
                    "r": record.rejected_count,
                    "i": record.incomplete_count,
                },
                messages.SUCCESS,
            )
        return HttpResponseRedirect(reverse("admin:employer_data_csvimport_change", args=[record.pk]))


@admin.register(IncompleteEmployerCheckup)
class IncompleteEmployerCheckupAdmin(ScopedAdmin):
    """≥ 40 employer records missing 特定健診 items: staff complete them, then they count (SPEC §7.1, §6.1)."""

    list_display = ["person", "exam_date", "age_at_fy_end", "submitted_by_employer", "missing_list"]
    list_select_related = ["person", "submitted_by_employer"]
    list_filter = ["fiscal_year", "submitted_by_employer"]
    audit_action = AccessLog.Action.ADMIN_VIEW

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return IncompleteEmployerCheckup.objects.visible_to(self.actor(request)).incomplete_specific()

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.actor(request).is_staff

    @admin.display(description=_("不足項目"))
    def missing_list(self, obj: IncompleteEmployerCheckup) -> str:
        return "、".join(missing_item_names(obj.missing_items))

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        checkup = self.get_object(request, object_id)
        if checkup is None:
            raise Http404  # another insurer's record looks like no record
        actor = self.actor(request)
        if request.method == "GET":
            access_log_record(
                actor=actor,
                person_ids=[checkup.person_id],
                action=AccessLog.Action.ADMIN_VIEW,
                target=f"checkup:{checkup.pk}",
                request=request,
            )
        form = CompleteItemsForm(request.POST or None, item_codes=missing_item_codes(checkup.missing_items))
        if request.method == "POST" and form.is_valid():
            try:
                done = checkup_complete_items(
                    checkup=checkup,
                    values=form.values(),
                    reason=form.cleaned_data["reason"],
                    user=request.user,
                    today=timezone.localdate(),
                )
            except CorrectionRefused as exc:
                for error in exc.errors:
                    field = f"item_{error.field[6:-1]}" if error.field.startswith("items[") else None
                    form.add_error(field if field in form.fields else None, f"{error.message_ja} / {error.message_en}")
            else:
                if done.is_complete:
                    self.message_user(request, _("補完しました。特定健診として計上されます。"), messages.SUCCESS)
                    return HttpResponseRedirect(reverse("admin:employer_data_incompleteemployercheckup_changelist"))
                self.message_user(request, _("まだ不足項目があります。"), messages.WARNING)
                return HttpResponseRedirect(request.path)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("不足項目の補完"),
            "checkup": checkup,
            "missing": missing_item_names(checkup.missing_items),
            "form": form,
        }
        return TemplateResponse(request, "admin/employer_data/complete.html", context)
