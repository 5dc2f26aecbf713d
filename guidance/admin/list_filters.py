"""List filters of the programme work list: next action (SPEC §5.6), assigned staff, and the current fiscal year."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.access_words import staff_display_name
from members.admin_base import FiscalYearFilter
from members.fiscal import fiscal_year_of

from ..selectors import next_action_q
from ..wording import NEXT_ACTION_LABELS
from .staff import staff_users_for

NEXT_ACTIONS = list(NEXT_ACTION_LABELS.items())  # codes of guidance.completion.NextAction (SPEC §5.6)


class NextActionFilter(admin.SimpleListFilter):
    title = _("次の対応")
    parameter_name = "next"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("overdue", _("期限超過すべて")), *NEXT_ACTIONS]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "overdue":
            return queryset.filter(evaluation__next_action__overdue=True)
        value = self.value()
        return queryset.filter(next_action_q(value)) if value else queryset


class AssignedStaffFilter(admin.SimpleListFilter):
    title = _("担当職員")
    parameter_name = "staff"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        users = staff_users_for(request, model_admin)
        return [("none", _("未割当")), *((str(u.pk), staff_display_name(u)) for u in users)]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "none":
            return queryset.filter(assigned_staff__isnull=True)
        return queryset.filter(assigned_staff_id=self.value()) if self.value() else queryset


class CurrentFiscalYearFilter(FiscalYearFilter):
    """The programme list opens on the current fiscal year, not on finished programmes of years ago."""

    ALL = "all"

    def value(self) -> str | None:
        value = super().value()
        if value is None:
            return str(fiscal_year_of(timezone.localdate()))
        return None if value == self.ALL else value

    def choices(self, changelist: Any) -> Any:
        current = self.value()
        yield {
            "selected": current is None,
            "query_string": changelist.get_query_string({self.parameter_name: self.ALL}),
            "display": _("すべての年度"),
        }
        for lookup, title in self.lookup_choices:
            yield {
                "selected": current == str(lookup),
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }
