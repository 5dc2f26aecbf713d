"""健診結果の送付ファイル作成 (issue #16): the MHLW checkup archive of one insurer and fiscal year, as an admin page.

Choose the insurer (only the staff member's own; with one there is nothing to choose) and the fiscal year, press the
button: the archive is built in the background (Celery, eager in dev) while the page shows its progress, then
offers the download. Each run has its own file name (the day's sequence number, SPEC §9.1); each download is in
the access log of every person in it. Another insurer's run answers 404.
"""

from functools import partial
from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from infra.jobs import job_state
from members.admin_base import ScopedAdmin
from members.dates import day, fiscal_year_label
from members.fiscal import fiscal_year_of
from members.models import Insurer

from .export_runs import ExportSequenceExhausted, export_run_downloaded, export_run_request, export_runs_recent
from .models import ARCHIVE_SEQUENCES_PER_DAY, Checkup, ExportRun
from .tasks import checkups_export_run_task

PAGE_RUNS = 20


class ExportForm(forms.Form):
    insurer = forms.ChoiceField(label=_("保険者"))
    fiscal_year = forms.TypedChoiceField(label=_("年度"), coerce=int)

    def __init__(self, *args: Any, insurers: list[Insurer], years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.insurers = {insurer.number: insurer for insurer in insurers}
        cast(forms.ChoiceField, self.fields["insurer"]).choices = [(i.number, i.name) for i in insurers]
        cast(forms.ChoiceField, self.fields["fiscal_year"]).choices = [(y, fiscal_year_label(y)) for y in years]
        if len(insurers) == 1:
            self.fields["insurer"].widget = forms.HiddenInput()


def export_years(insurers: list[Insurer]) -> list[int]:
    """The years with counted checkups of these insurers, and this and last fiscal year, newest first (1 query)."""
    counted = Checkup.objects.filter(insurer__in=insurers, counts_for_fiscal_year=True).order_by()
    this_year = fiscal_year_of(timezone.localdate())
    return sorted({*counted.values_list("fiscal_year", flat=True).distinct(), this_year, this_year - 1}, reverse=True)


def _who(run: ExportRun) -> str:
    user = run.requested_by
    return (user.get_full_name() or user.get_username()) if user else ""


def _when(run: ExportRun) -> str:
    return f"{day(run.requested_at)} {timezone.localtime(run.requested_at):%H:%M}"


def run_failure(run: ExportRun) -> str:
    """Why a run failed, in staff words (the technical reason is in the server log)."""
    if run.status != ExportRun.Status.FAILED:
        return ""
    if run.error.startswith("ExportInvalid"):
        return str(_("国の定める様式に合わない記録があったため、作成しませんでした。"))
    return str(_("作成できませんでした。もう一度作成してください。"))


def run_rows(runs: list[ExportRun]) -> list[dict[str, Any]]:
    return [
        {
            "run": run,
            "insurer": run.insurer.name,
            "fiscal_year": fiscal_year_label(run.fiscal_year),
            "who": _who(run),
            "when": _when(run),
            "failure": run_failure(run),
            "download_url": reverse("admin:checkups_exportrun_download", args=[run.pk]) if run.downloadable else "",
        }
        for run in runs
    ]


@admin.register(ExportRun)
class ExportRunAdmin(ScopedAdmin):
    """The list page is the export page; a run's own page shows what it was (never the file's storage path)."""

    readonly_fields = [
        "insurer",
        "fiscal_year",
        "file_name",
        "created_on",
        "sequence",
        "count",
        "kind",
        "status",
        "progress",
        "stage",
        "requester",
        "requested_at",
        "finished_at",
    ]
    fields = list(readonly_fields)

    @admin.display(description=_("作成者"))
    def requester(self, obj: ExportRun) -> str:
        return _who(obj) or "—"

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        return [
            path("start/", wrap(self.start_view), name="checkups_exportrun_start"),
            path("<int:pk>/progress/", wrap(self.progress_view), name="checkups_exportrun_progress"),
            path("<int:pk>/download/", wrap(self.download_view), name="checkups_exportrun_download"),
            *super().get_urls(),
        ]

    def _insurers(self, request: HttpRequest) -> list[Insurer]:
        insurers = list(Insurer.objects.visible_to(self.actor(request)).order_by("number"))
        if not insurers or not self.actor(request).is_staff:
            raise Http404
        return insurers

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        insurers = self._insurers(request)
        years = export_years(insurers)
        default_year = next((y for y in years if y <= fiscal_year_of(timezone.localdate())), years[0])
        form = ExportForm(
            insurers=insurers,
            years=years,
            initial={"insurer": request.GET.get("insurer") or insurers[0].number, "fiscal_year": default_year},
        )
        runs = list(export_runs_recent(actor=self.actor(request), limit=PAGE_RUNS))
        running = next((run for run in runs if run.running), None)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("健診結果の送付ファイル作成"),
            "form": form,
            "single_insurer": insurers[0] if len(insurers) == 1 else None,
            "runs": run_rows(runs),
            "running": running,
            "per_day": ARCHIVE_SEQUENCES_PER_DAY,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/checkups/exportrun/export_page.html", context)

    @staticmethod
    def _page() -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("admin:checkups_exportrun_changelist"))

    def start_view(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST":
            return self._page()
        insurers = self._insurers(request)
        form = ExportForm(request.POST, insurers=insurers, years=export_years(insurers))
        if not form.is_valid():
            if "insurer" in form.errors:
                raise Http404  # another insurer's number looks like no insurer at all
            self.message_user(request, _("年度を選んでください。"), messages.ERROR)
            return self._page()
        fiscal_year = form.cleaned_data["fiscal_year"]
        try:
            run = export_run_request(
                insurer=form.insurers[form.cleaned_data["insurer"]], fiscal_year=fiscal_year, requested_by=request.user
            )
        except ExportSequenceExhausted:
            message = _(
                "同じ日に作成できる送付ファイルは%(n)s個までです(ファイル名の同日送付回数は1桁)。"
                "明日以降に作成してください。"
            )
            self.message_user(request, message % {"n": ARCHIVE_SEQUENCES_PER_DAY}, messages.ERROR)
            return self._page()
        transaction.on_commit(partial(checkups_export_run_task.delay, run.pk))
        run.refresh_from_db(fields=["status", "error"])  # built already when Celery runs eagerly (dev, embedded)
        if run.status == ExportRun.Status.FAILED:
            self.message_user(request, run_failure(run), messages.ERROR)
            return self._page()
        done = run.status == ExportRun.Status.DONE
        message = (
            _("%(year)sの送付ファイル %(name)s を作成しました。")
            if done
            else _("%(year)sの送付ファイル %(name)s の作成を受け付けました。")
        )
        level = messages.SUCCESS if done else messages.INFO
        self.message_user(request, message % {"year": fiscal_year_label(fiscal_year), "name": run.file_name}, level)
        return self._page()

    def _run(self, request: HttpRequest, pk: int) -> ExportRun:
        return get_object_or_404(self.get_queryset(request).select_related("insurer"), pk=pk)

    def progress_view(self, request: HttpRequest, pk: int) -> JsonResponse:
        return JsonResponse(job_state(self._run(request, pk)))

    def download_view(self, request: HttpRequest, pk: int) -> FileResponse:
        run = self._run(request, pk)
        if not run.downloadable:
            raise Http404
        export_run_downloaded(run=run, actor=self.actor(request), request=request)
        return FileResponse(
            run.file.open("rb"), as_attachment=True, filename=run.file_name, content_type="application/zip"
        )
