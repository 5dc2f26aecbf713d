"""Staff dashboard pages (served inside the admin): rates vs targets, trends, breakdowns, look-ahead, work lists."""

import csv
import datetime as dt
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from members.actors import actor_from_request
from members.audit import access_log_record
from members.fiscal import fiscal_year_of
from members.models import AccessLog, Insurer

from . import worklists
from .models import RateSnapshot, ReductionBase
from .reduction import target_applies
from .selectors import Targets, insurers_for, snapshots_by_year, targets_for
from .tasks import rate_snapshot_request

BREAKDOWN_TITLES = {"sex": "性別", "age_band": "年齢階級", "relationship": "本人・家族", "employer": "事業所"}
WORKLIST_PAGE_SIZE = 100
FIRST_FISCAL_YEAR, LAST_FISCAL_YEAR = 2008, 2100  # the years a checkup may belong to (checkup_fiscal_year_range)


def _percent(rate: float | None) -> str:
    return "" if rate is None else f"{rate * 100:.1f}"


def _shown(rate: float | None) -> str:
    """A rate for the page: "61.9%", or "—" when there is nobody in the denominator."""
    return "—" if rate is None else f"{rate * 100:.1f}%"


def insurer_and_year(request: HttpRequest, *, default_year_offset: int = 0) -> tuple[Insurer, int, list[Insurer]]:
    """The insurer (only the actor's own: anything else is a 404) and fiscal year asked for (by default the
    current one, or `default_year_offset` years from it)."""
    insurers = list(insurers_for(actor=actor_from_request(request)))
    if not insurers:
        raise Http404
    number = request.GET.get("insurer") or request.POST.get("insurer")
    insurer = next((each for each in insurers if each.number == number), None) if number else insurers[0]
    if insurer is None:
        raise Http404
    raw_year = request.GET.get("fiscal_year") or request.POST.get("fiscal_year") or ""
    fiscal_year = int(raw_year) if raw_year.isdigit() else fiscal_year_of(timezone.localdate()) + default_year_offset
    if not FIRST_FISCAL_YEAR <= fiscal_year <= LAST_FISCAL_YEAR:
        raise Http404
    return insurer, fiscal_year, insurers


def page_url(name: str, insurer: Insurer, fiscal_year: int, **kwargs: object) -> str:
    query = urlencode({"insurer": insurer.number, "fiscal_year": str(fiscal_year)})
    return f"{reverse(f'admin:{name}', kwargs=kwargs or None)}?{query}"


def _chart_data(snapshots: list[RateSnapshot], targets) -> dict:
    def as_percent(value) -> float | None:
        return None if value is None else round(float(value) * 100, 1)

    # SPEC §6.3: the 25 % line belongs to a reduction against FY2008 only
    against_fy2008 = bool(snapshots) and target_applies(snapshots[-1].metabolic_base_year)

    return {
        "years": [f"{s.fiscal_year}年度" for s in snapshots],
        "checkup": [as_percent(s.checkup_rate) for s in snapshots],
        "guidance": [as_percent(s.guidance_rate) for s in snapshots],
        "reduction": [as_percent(s.metabolic_reduction) for s in snapshots],
        "targets": {
            "checkup": as_percent(targets.checkup),
            "guidance": as_percent(targets.guidance),
            "reduction": as_percent(targets.metabolic_reduction) if against_fy2008 else None,
        },
    }


def _pending_run(insurer: Insurer, fiscal_year: int, snapshot: RateSnapshot | None) -> RateSnapshot | None:
    """A computation requested in the last 6 hours that has not finished (unless a later run finished)."""
    pending = (
        RateSnapshot.objects.filter(insurer=insurer, fiscal_year=fiscal_year)
        .exclude(status=RateSnapshot.Status.DONE)
        .filter(requested_at__gte=timezone.now() - dt.timedelta(hours=6))
        .order_by("-requested_at")
        .first()
    )
    if pending and snapshot and snapshot.computed_at and pending.requested_at < snapshot.computed_at:
        return None  # an older failure superseded by a finished run
    return pending


def _breakdown_tables(snapshot: RateSnapshot | None) -> list[dict]:
    if snapshot is None:
        return []
    tables = []
    for dimension, title in BREAKDOWN_TITLES.items():
        rows = [row for row in snapshot.breakdown if row["dimension"] == dimension]
        tables.append({"title": title, "rows": [{**row, **_row_percents(row)} for row in rows]})
    return tables


def _target_percents(targets: Targets, *, reduction_applies: bool) -> dict[str, str]:
    """The targets for the page; the reduction target only where it applies to the snapshot's base year."""

    def shown(value: Decimal | float | None) -> str:
        return _shown(None if value is None else float(value))

    return {
        "checkup": shown(targets.checkup),
        "guidance": shown(targets.guidance),
        "reduction": shown(targets.metabolic_reduction if reduction_applies else None),
    }


def dashboard(request: HttpRequest, context: dict) -> TemplateResponse:
    insurer, fiscal_year, insurers = insurer_and_year(request)
    snapshots = snapshots_by_year(insurer=insurer)
    snapshot = next((s for s in snapshots if s.fiscal_year == fiscal_year), None)
    pending = _pending_run(insurer, fiscal_year, snapshot)
    targets = targets_for(insurer=insurer)
    reduction_applies = bool(snapshot and target_applies(snapshot.metabolic_base_year))
    breakdown = _breakdown_tables(snapshot)
    years = sorted({s.fiscal_year for s in snapshots} | {fiscal_year_of(timezone.localdate()), fiscal_year})
    lookahead = snapshot.lookahead if snapshot else {}
    employers = worklists.no_checkup_employers(insurer_id=insurer.pk, fiscal_year=fiscal_year) if lookahead else []
    context.update(
        title=_("実施率ダッシュボード"),
        insurer=insurer,
        insurers=insurers,
        fiscal_year=fiscal_year,
        years=years,
        snapshot=snapshot,
        snapshots=snapshots,
        history=[{**_snapshot_percents(s), "snapshot": s} for s in snapshots],
        current=_snapshot_percents(snapshot) if snapshot else None,
        pending=pending,
        targets=targets,
        target_percents=_target_percents(targets, reduction_applies=reduction_applies),
        reduction_against_fy2008=reduction_applies,
        reduction_base_url=_reduction_base_url(insurer),
        breakdown=breakdown,
        lookahead=lookahead,
        lookahead_percents=_lookahead_percents(lookahead),
        employers=employers,
        chart_data=_chart_data(snapshots, targets),
        csv_url=page_url("rates_dashboard_csv", insurer, fiscal_year),
        compute_url=reverse("admin:rates_dashboard_compute"),
        progress_url=reverse("admin:rates_dashboard_progress", kwargs={"pk": pending.pk}) if pending else "",
        worklist_urls={
            kind.replace("-", "_"): page_url("rates_worklist", insurer, fiscal_year, kind=kind)
            for kind in worklists.KINDS
        },
    )
    return TemplateResponse(request, "admin/rates/dashboard.html", context)


def _reduction_base_url(insurer: Insurer) -> str:
    """Where staff enter the FY2008 base (SPEC §6.3): the insurer's base if there is one, else a new one."""
    base = ReductionBase.objects.filter(insurer=insurer).values_list("pk", flat=True).first()
    if base is not None:
        return reverse("admin:rates_reductionbase_change", args=[base])
    return reverse("admin:rates_reductionbase_add") + "?" + urlencode({"insurer": insurer.pk})


def _row_percents(row: dict) -> dict:
    return {"checkup_percent": _shown(row["checkup"]["rate"]), "guidance_percent": _shown(row["guidance"]["rate"])}


def _snapshot_percents(snapshot: RateSnapshot) -> dict:
    return {
        "checkup_percent": _shown(snapshot.checkup_rate),
        "guidance_percent": _shown(snapshot.guidance_rate),
        "reduction_percent": _shown(snapshot.metabolic_reduction),
    }


def _lookahead_percents(lookahead: dict) -> dict:
    if not lookahead:
        return {}
    return {
        "checkup_projected": _shown(lookahead["checkup"]["projected_rate"]),
        "guidance_projected": _shown(lookahead["guidance"]["projected_rate"]),
        "guidance_reachable": _shown(lookahead["guidance"]["reachable_rate"]),
    }


def csv_response(filename: str, rows: Iterable[Iterable[object]]) -> StreamingHttpResponse:
    """UTF-8 with BOM so that Excel in Japanese opens it correctly; streamed for long lists."""

    class Echo:
        def write(self, value: str) -> str:
            return value

    writer = csv.writer(Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff"
        for row in rows:
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def dashboard_csv(request: HttpRequest) -> StreamingHttpResponse:
    """Totals of every year, then the selected year's breakdown (SPEC §6.5), numerators and denominators."""
    insurer, fiscal_year, _ = insurer_and_year(request)
    snapshots = snapshots_by_year(insurer=insurer)
    header = [
        "区分",
        "項目",
        "健診受診者数",
        "健診対象者数",
        "特定健診実施率(%)",
        "保健指導終了者数",
        "保健指導対象者数",
        "特定保健指導実施率(%)",
        "メタボ減少率(%)",
    ]

    def rows() -> Iterator[list[object]]:
        yield list(header)
        for s in snapshots:
            yield [
                "年度合計",
                f"{s.fiscal_year}年度",
                s.checkup_numerator,
                s.checkup_denominator,
                _percent(s.checkup_rate),
                s.guidance_numerator,
                s.guidance_denominator,
                _percent(s.guidance_rate),
                _percent(s.metabolic_reduction),
            ]
        selected = next((s for s in snapshots if s.fiscal_year == fiscal_year), None)
        for row in selected.breakdown if selected else []:
            checkup, guidance = row["checkup"], row["guidance"]
            yield [
                f"{fiscal_year}年度 {BREAKDOWN_TITLES[row['dimension']]}",
                row["label"],
                checkup["numerator"],
                checkup["denominator"],
                _percent(checkup["rate"]),
                guidance["numerator"],
                guidance["denominator"],
                _percent(guidance["rate"]),
                "",
            ]

    return csv_response(f"rates_{insurer.number}_{fiscal_year}.csv", rows())


def worklist(request: HttpRequest, kind: str, context: dict) -> HttpResponse | StreamingHttpResponse:
    """One work list as a page (logged as a view) or, with ?format=csv, as a CSV for mail-outs (logged as export)."""
    if kind not in worklists.KINDS:
        raise Http404
    insurer, fiscal_year, _ = insurer_and_year(request)
    today = timezone.localdate()
    spec = worklists.KINDS[kind]
    queryset = spec.queryset(insurer_id=insurer.pk, fiscal_year=fiscal_year, today=today)
    actor = actor_from_request(request)
    if request.GET.get("format") == "csv":
        person_ids = list(queryset.values_list(spec.person_field, flat=True))
        access_log_record(
            actor=actor,
            person_ids=person_ids,
            action=AccessLog.Action.EXPORT,
            target=f"rates:{kind}",
            request=request,
        )
        rows = (spec.row(item, today=today, fiscal_year=fiscal_year) for item in queryset.iterator(chunk_size=2000))
        return csv_response(f"{kind}_{insurer.number}_{fiscal_year}.csv", [spec.header, *rows])
    page = Paginator(queryset, WORKLIST_PAGE_SIZE).get_page(request.GET.get("page"))
    items = list(page.object_list)
    access_log_record(
        actor=actor,
        person_ids=[spec.person_id(item) for item in items],
        action=AccessLog.Action.ADMIN_VIEW,
        target=f"rates:{kind}",
        request=request,
    )
    context.update(
        title=spec.title,
        insurer=insurer,
        fiscal_year=fiscal_year,
        spec=spec,
        page=page,
        rows=[spec.row(item, today=today, fiscal_year=fiscal_year) for item in items],
        csv_url=page_url("rates_worklist", insurer, fiscal_year, kind=kind) + "&format=csv",
        dashboard_url=page_url("rates_ratedashboard_changelist", insurer, fiscal_year),
        page_query=urlencode({"insurer": insurer.number, "fiscal_year": str(fiscal_year)}),
    )
    return TemplateResponse(request, "admin/rates/worklist.html", context)


@require_POST
def compute(request: HttpRequest) -> HttpResponseRedirect:
    """The 今すぐ再計算 button: enqueue, then the dashboard polls the progress endpoint."""
    insurer, fiscal_year, _ = insurer_and_year(request)
    rate_snapshot_request(insurer=insurer, fiscal_year=fiscal_year, requested_by_id=request.user.pk)
    messages.info(request, f"{fiscal_year}年度の実施率の再計算を受け付けました。")
    return HttpResponseRedirect(page_url("rates_ratedashboard_changelist", insurer, fiscal_year))


def progress(request: HttpRequest, pk: int) -> JsonResponse:
    snapshot = get_object_or_404(RateSnapshot.objects.visible_to(actor_from_request(request)), pk=pk)
    return JsonResponse({"status": snapshot.status, "progress": snapshot.progress, "error": snapshot.error})
