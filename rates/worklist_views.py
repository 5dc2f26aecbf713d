"""The three work lists as pages staff act on (issue #16): each row opens the person or the programme; filters
and sorting; disjoint categories with their counts; bulk assignment to a staff member or a provider; the CSV of
exactly what is shown (same filters, same order). Served inside the admin (rates.admin)."""

from itertools import chain
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guidance.codes import ProgrammeLevel, ProgrammeStatus
from guidance.services import programmes_assign
from members.access_words import staff_display_name
from members.actors import actor_from_request
from members.audit import access_log_record
from members.dates import fiscal_year_label
from members.models import AccessLog, Employer, GuidanceProvider
from members.selectors import staff_users

from . import worklists
from .db import large_query_settings
from .views import csv_response, insurer_and_year, page_url
from .worklist_counts import ListCount, worklist_counts

PAGE_SIZE = 50
PROGRAMME_KINDS = ("finishable", "at-risk")


def _spec(kind: str) -> worklists.WorkList:
    if kind not in worklists.KINDS:
        raise Http404
    return worklists.KINDS[kind]


def _selected(kind: str, queryset: Any, selection: worklists.Selection, today: Any) -> Any:
    if kind in PROGRAMME_KINDS:
        return worklists.select_programmes(queryset, selection, today=today)
    return worklists.select_persons(queryset, selection)


def worklist_page(request: HttpRequest, kind: str, context: dict[str, Any]) -> HttpResponse | StreamingHttpResponse:
    spec = _spec(kind)
    insurer, fiscal_year, _insurers = insurer_and_year(request)
    today = timezone.localdate()
    actor = actor_from_request(request)
    selection = worklists.Selection.from_query(request.GET)
    queryset = _selected(kind, spec.queryset(insurer_id=insurer.pk, fiscal_year=fiscal_year, today=today),
                         selection, today)  # fmt: skip
    base_query = {"insurer": insurer.number, "fiscal_year": str(fiscal_year)}
    if request.GET.get("format") == "csv":
        person_ids = list(queryset.values_list(spec.person_field, flat=True))
        access_log_record(actor=actor, person_ids=person_ids, action=AccessLog.Action.EXPORT, target=f"rates:{kind}",
                          request=request)  # fmt: skip
        lines = (spec.row(item, today=today, fiscal_year=fiscal_year) for item in queryset.iterator(chunk_size=2000))
        return csv_response(f"{kind}_{insurer.number}_{fiscal_year}.csv", chain([spec.header], lines))  # streamed
    with large_query_settings():  # no JIT compiling for these short queries (rates.db)
        counts = worklist_counts(insurer_id=insurer.pk, fiscal_year=fiscal_year, today=today)
        total = counts[kind] if not selection.filtered else ListCount(queryset.order_by().count())
        page = _page(queryset, total, request.GET.get("page"))
        items = list(page.object_list)
    access_log_record(actor=actor, person_ids=[spec.person_id(item) for item in items],
                      action=AccessLog.Action.ADMIN_VIEW, target=f"rates:{kind}", request=request)  # fmt: skip
    rows: list[dict[str, Any]]
    if kind in PROGRAMME_KINDS:
        rows = [worklists.programme_page_row(item, today=today) for item in items]
    else:
        rows = [worklists.person_page_row(item, fiscal_year=fiscal_year) for item in items]
    here = {**base_query, **selection.as_query()}
    sorts = worklists.PROGRAMME_SORTS if kind in PROGRAMME_KINDS else worklists.PERSON_SORTS
    people = [(u.pk, staff_display_name(u)) for u in staff_users(actor=actor)] if kind in PROGRAMME_KINDS else []
    providers = (
        list(GuidanceProvider.objects.order_by("number").values_list("pk", "name")) if kind in PROGRAMME_KINDS else []
    )
    context.update(
        title=spec.title,
        kind=kind,
        programme_list=kind in PROGRAMME_KINDS,
        insurer=insurer,
        fiscal_year=fiscal_year,
        fiscal_year_label=fiscal_year_label(fiscal_year),
        spec=spec,
        page=page,
        total=total,
        rows=rows,
        selection=selection,
        tabs=[
            {
                "kind": other,
                "title": worklists.KINDS[other].title,
                "count": counts[other].count,
                "as_of": counts[other].as_of,
                "url": page_url("rates_worklist", insurer, fiscal_year, kind=other),
                "current": other == kind,
            }
            for other in worklists.KINDS
        ],
        filters=_filters(kind, actor, insurer, selection, people, providers),
        sorts=[
            {
                "key": key,
                "label": label,
                "url": "?" + urlencode({**here, "sort": key, "dir": _flip(selection, key)}),
                "current": selection.sort == key,
                "descending": selection.descending,
            }
            for key, (label, _fields) in sorts.items()
        ],
        base_query=base_query,
        clear_url="?" + urlencode(base_query),
        csv_url="?" + urlencode({**here, "format": "csv"}),
        page_query=urlencode(here),
        assign_url=reverse("admin:rates_worklist_assign", kwargs={"kind": kind}),
        staff_choices=people,
        provider_choices=providers,
        here=f"{request.path}?{urlencode(here)}",
        dashboard_url=page_url("rates_ratedashboard_changelist", insurer, fiscal_year),
    )
    return TemplateResponse(request, "admin/rates/worklist.html", context)


class OpenPage:
    """A page read without counting the whole list, for a list whose count is as of a snapshot: one row more than
    the page tells whether a next page exists."""

    paginator = None

    def __init__(self, queryset: Any, number: str | None) -> None:
        self.number = int(number) if number and number.isdigit() and int(number) > 0 else 1
        start = (self.number - 1) * PAGE_SIZE
        found = list(queryset[start : start + PAGE_SIZE + 1])
        self.object_list = found[:PAGE_SIZE]
        self._more = len(found) > PAGE_SIZE

    def has_next(self) -> bool:
        return self._more

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next() or self.has_previous()

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


def _page(queryset: Any, total: ListCount, number: str | None) -> Any:
    """The page asked for; the list's count is the one already known (the tab's), never counted twice."""
    if total.as_of is not None:
        return OpenPage(queryset, number)
    paginator = Paginator(queryset, PAGE_SIZE)
    paginator.__dict__["count"] = total.count  # a cached_property: set, so the paginator does not count again
    return paginator.get_page(number)


def _flip(selection: worklists.Selection, key: str) -> str:
    """A second click on the current sort column reverses it."""
    return "desc" if selection.sort == key and not selection.descending else ""


def _filters(
    kind: str,
    actor: Any,
    insurer: Any,
    selection: worklists.Selection,
    people: list[tuple[int, str]],
    providers: list[tuple[int, str]],
) -> list[dict[str, Any]]:
    """The filter controls of a list: (name, label, choices, chosen), choices only from the user's own data."""
    employers = Employer.objects.visible_to(actor).filter(insurer=insurer).order_by("code")
    employer_filter = {
        "name": "employer",
        "label": _("事業所"),
        "choices": [(str(e.pk), e.name) for e in employers],
        "value": selection.employer,
    }
    if kind not in PROGRAMME_KINDS:
        return [employer_filter]
    return [
        {"name": "level", "label": _("保健指導区分"), "value": selection.level,
         "choices": [(str(v), label) for v, label in ProgrammeLevel.choices]},
        {"name": "status", "label": _("状態"), "value": selection.status,
         "choices": [(v, label) for v, label in ProgrammeStatus.choices
                     if v in ("not_started", "initial_incomplete", "in_progress")]},
        {"name": "staff", "label": _("担当職員"), "value": selection.staff,
         "choices": [("none", _("未割当")), *((str(pk), name) for pk, name in people)]},
        {"name": "provider", "label": _("保健指導機関"), "value": selection.provider,
         "choices": [(str(pk), name) for pk, name in providers]},
        {"name": "due", "label": _("対応期限"), "value": selection.due,
         "choices": list(worklists.DUE_CHOICES.items())},
        employer_filter,
    ]  # fmt: skip


@require_POST
def worklist_assign(request: HttpRequest, kind: str) -> HttpResponseRedirect:
    """Bulk assignment of the ticked programmes to a staff member and/or a provider (guidance.services)."""
    _spec(kind)
    actor = actor_from_request(request)
    back = request.POST.get("next") or reverse("admin:rates_worklist", kwargs={"kind": kind})
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("admin:rates_worklist", kwargs={"kind": kind})
    ids = [int(v) for v in request.POST.getlist("programme") if v.isdigit()]
    staff = staff_users(actor=actor).filter(pk=request.POST.get("staff") or 0).first()
    provider = GuidanceProvider.objects.filter(pk=request.POST.get("provider") or 0).first()
    if not ids or (staff is None and provider is None):
        messages.error(request, _("プログラムを選び、担当職員または保健指導機関を選んでください"))
        return HttpResponseRedirect(back)
    count = programmes_assign(programme_ids=ids, staff=staff, provider=provider, actor=actor)
    messages.success(request, _("%(n)s 件を割り当てました") % {"n": count})
    return HttpResponseRedirect(back)
