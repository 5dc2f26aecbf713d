"""List filters of the programme list that the staff home (今日の仕事) links to; each applies the selector's rule,
so a count on the home and the rows of its list are the same query (guidance.selectors)."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.fiscal import month_end

from .selectors import final_evaluation_due_q


class FinalEvaluationDueFilter(admin.SimpleListFilter):
    """実績評価(SPEC §5.3)が今月末までに実施でき、終了につながるプログラム。"""

    title = _("実績評価")
    parameter_name = "final_due"
    THIS_MONTH = "month"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [(self.THIS_MONTH, _("今月末までに実施"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == self.THIS_MONTH:
            return queryset.filter(final_evaluation_due_q(by=month_end(timezone.localdate())))
        return queryset
