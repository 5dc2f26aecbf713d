"""Admin: targets and standard populations (national data), base years, snapshots, and the staff dashboard."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _

from members.actors import ActorKind, actor_from_request
from members.admin_base import FiscalYearFilter, LabelledTabularInline, ScopedAdmin
from members.age_basis import AGE_BANDS
from members.dates import fiscal_year_label
from members.models import Insurer

from . import outcome_views, statutory_views, views, worklist_views
from .models import (
    OutcomeReportPage,
    RateDashboard,
    RateSnapshot,
    RateTarget,
    ReductionBase,
    ReductionBaseStratum,
    StandardPopulation,
    StatutoryReportPage,
)
from .statutory_figures import REPORT_SEXES
from .tasks import rate_snapshot_request

STRATA = [(sex, band.low) for sex in REPORT_SEXES for band in AGE_BANDS]  # SPEC §6.3: 2 × 7 strata


class NationalDataAdmin(admin.ModelAdmin):
    """Rows that apply to every insurer: staff read them, only a superuser edits them."""

    def _superuser(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._superuser(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._superuser(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._superuser(request)


@admin.register(RateTarget)
class RateTargetAdmin(NationalDataAdmin):
    list_display = ["scope", "target_fiscal_year", "checkup_percent", "guidance_percent", "metabolic_reduction_percent"]
    list_filter = ["target_fiscal_year"]


@admin.register(StandardPopulation)
class StandardPopulationAdmin(NationalDataAdmin):
    list_display = ["table", "sex", "age_from", "population"]
    list_filter = ["table"]


class ReductionBaseStratumInline(LabelledTabularInline):
    """The base year's 14 strata (sex × 40–74 in 5-year bands, SPEC §6.3), offered pre-filled with sex and band."""

    model = ReductionBaseStratum
    fields = ["sex", "age_from", "guidance_targets", "receivers", "standard_population"]
    max_num = len(STRATA)
    can_delete = True

    def get_extra(self, request: HttpRequest, obj: ReductionBase | None = None, **kwargs: Any) -> int:
        return len(STRATA) - (obj.strata.count() if obj else 0)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return actor_from_request(request).is_staff

    has_change_permission = has_delete_permission = has_view_permission = has_add_permission


@admin.register(ReductionBase)
class ReductionBaseAdmin(ScopedAdmin):
    staff_can_add = staff_can_change = staff_can_delete = True
    list_display = ["insurer", "base_fiscal_year", "standard_table"]
    inlines = [ReductionBaseStratumInline]

    def get_formset_kwargs(self, request: HttpRequest, obj: Any, inline: Any, prefix: str) -> dict[str, Any]:
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, ReductionBaseStratumInline) and request.method == "GET":
            present = set(obj.strata.values_list("sex", "age_from")) if obj and obj.pk else set()
            kwargs["initial"] = [{"sex": sex, "age_from": age} for sex, age in STRATA if (sex, age) not in present]
        return kwargs

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial: dict[str, Any] = dict(super().get_changeform_initial_data(request))
        insurers = list(Insurer.objects.visible_to(self.actor(request)).values_list("pk", flat=True)[:2])
        if "insurer" not in initial and len(insurers) == 1:
            initial["insurer"] = insurers[0]
        return initial


def percent(rate: float | None) -> str:
    """0.3801282051282051 → 38.0%; "—" when there was nobody to count."""
    return "—" if rate is None else f"{rate * 100:.1f}%"


@admin.register(RateSnapshot)
class RateSnapshotAdmin(ScopedAdmin):
    list_display = [
        "insurer",
        "fiscal_year_label",
        "status",
        "progress",
        "checkup_percent",
        "guidance_percent",
        "reduction_percent",
        "computed_at",
        "duration_ms",
    ]
    list_filter = ["status", FiscalYearFilter, "insurer"]
    actions = ["recompute"]
    exclude = ["breakdown", "strata", "lookahead"]
    PERCENT_FIELDS = {"checkup_rate": "checkup_percent", "guidance_rate": "guidance_percent",
                      "metabolic_reduction": "reduction_percent"}  # fmt: skip

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        names = [field.name for field in self.model._meta.fields if field.name not in self.exclude]
        return [self.PERCENT_FIELDS.get(name, name) for name in names]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.get_readonly_fields(request, obj)

    @admin.display(description=_("年度"), ordering="fiscal_year")
    def fiscal_year_label(self, obj: RateSnapshot) -> str:
        return fiscal_year_label(obj.fiscal_year)

    @admin.display(description=_("特定健診実施率"), ordering="checkup_rate")
    def checkup_percent(self, obj: RateSnapshot) -> str:
        return percent(obj.checkup_rate)

    @admin.display(description=_("特定保健指導実施率"), ordering="guidance_rate")
    def guidance_percent(self, obj: RateSnapshot) -> str:
        return percent(obj.guidance_rate)

    @admin.display(description=_("メタボ減少率"), ordering="metabolic_reduction")
    def reduction_percent(self, obj: RateSnapshot) -> str:
        return percent(obj.metabolic_reduction)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        if self.actor(request).is_staff:  # ScopedAdmin forbids delete, so the action list would be empty
            actions.setdefault("recompute", self.get_action("recompute"))
        return actions

    @admin.action(description=_("選択した保険者・年度の実施率を再計算"))
    def recompute(self, request: HttpRequest, queryset: QuerySet[RateSnapshot]) -> None:
        pairs = {(s.insurer, s.fiscal_year) for s in queryset.select_related("insurer")}
        for insurer, fiscal_year in pairs:
            rate_snapshot_request(insurer=insurer, fiscal_year=fiscal_year, requested_by_id=request.user.pk)
        messages.info(
            request,
            _("%(count)d 件の再計算を受け付けました。ダッシュボードで進捗を確認できます。") % {"count": len(pairs)},
        )


class StaffPageAdmin(ScopedAdmin):
    """An admin entry whose list page is a page of its own, for insurer staff (and superusers) only."""

    def _staff(self, view: Any) -> Any:
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if self.actor(request).kind not in (ActorKind.STAFF, ActorKind.SUPERUSER):
                raise Http404
            return view(request, *args, **kwargs)

        return guarded


@admin.register(RateDashboard)
class RateDashboardAdmin(StaffPageAdmin):
    """The admin index lists 実施率ダッシュボード; its list page is the dashboard itself."""

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        return [
            path("csv/", wrap(self._staff(views.dashboard_csv)), name="rates_dashboard_csv"),
            path("compute/", wrap(self._staff(views.compute)), name="rates_dashboard_compute"),
            path("progress/<int:pk>/", wrap(self._staff(views.progress)), name="rates_dashboard_progress"),
            path("worklist/<slug:kind>/", wrap(self._staff(self._worklist)), name="rates_worklist"),
            path(
                "worklist/<slug:kind>/assign/",
                wrap(self._staff(worklist_views.worklist_assign)),
                name="rates_worklist_assign",
            ),
            *super().get_urls(),
        ]

    def _worklist(self, request: HttpRequest, kind: str) -> HttpResponse | StreamingHttpResponse:
        return worklist_views.worklist_page(request, kind, dict(self.admin_site.each_context(request)))

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        return self._staff(lambda req: views.dashboard(req, dict(self.admin_site.each_context(req))))(request)


@admin.register(StatutoryReportPage)
class StatutoryReportAdmin(StaffPageAdmin):
    """法定報告 (SPEC §6.6): figures, totals, charts against the targets, CSV."""

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        return [
            path("csv/", wrap(self._staff(statutory_views.statutory_csv)), name="rates_statutory_csv"),
            path("export/", wrap(self._staff(statutory_views.statutory_export_start)), name="rates_statutory_export"),
            path(
                "export/<int:pk>/progress/",
                wrap(self._staff(statutory_views.statutory_export_progress)),
                name="rates_statutory_export_progress",
            ),
            path(
                "export/<int:pk>/download/",
                wrap(self._staff(statutory_views.statutory_export_download)),
                name="rates_statutory_export_download",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        page = self._staff(lambda req: statutory_views.statutory_page(req, dict(self.admin_site.each_context(req))))
        return page(request)


@admin.register(OutcomeReportPage)
class OutcomeReportAdmin(StaffPageAdmin):
    """保健指導の成果 (SPEC §6.7): the year after first, then achievement by year, provider, mode and level."""

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        return [
            path("csv/", wrap(self._staff(outcome_views.outcome_csv)), name="rates_outcome_csv"),
            *super().get_urls(),
        ]

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        page = self._staff(lambda req: outcome_views.outcome_page(req, dict(self.admin_site.each_context(req))))
        return page(request)
