"""The programme page (SPEC §5.6, §5.7): who, where it stands and what next; the goals form posts here."""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from members.admin_base import ScopedAdmin

from ..admin_level import LevelDecisionForm
from ..models import Programme
from ..rules import RuleViolation
from ..services import ProgrammeVersionConflict, programme_set_goals, programmes_assign
from ..wording import dates_in_words
from .contact_form import ContactAddForm
from .form_errors import focus_first_error
from .forms import CloseForm, GoalsForm
from .page_context import programme_page_context
from .staff import staff_users_for


class ProgrammePageAdmin(ScopedAdmin):
    """The page of one programme; the forms it shows post to `ProgrammeFormsAdmin`'s views, the goals to the page."""

    def _programme(self, request: HttpRequest, pk: int | str) -> Programme:
        if not str(pk).isdigit():
            raise Http404
        related = ("person", "person__employer", "checkup", "provider", "assigned_staff")
        programme = self.get_queryset(request).select_related(*related).filter(pk=pk).first()
        if programme is None:
            raise Http404  # another insurer's programme looks like no programme at all
        return programme

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        """The programme page: who, where it stands and what next; timeline; contact, goals and closing forms."""
        programme = self._programme(request, object_id)
        if request.method == "POST":
            return self._goals_post(request, programme)
        self.log_view(request, programme)
        return self._page(request, programme)

    def _goals_form(self, request: HttpRequest, programme: Programme, data: Any = None) -> GoalsForm:
        return GoalsForm(data, instance=programme, staff_users=staff_users_for(request, self))

    def _goals_post(self, request: HttpRequest, programme: Programme) -> HttpResponse:
        """Edits go through the services, so versions are claimed like any other edit."""
        form = self._goals_form(request, programme, request.POST)
        if not form.is_valid():
            focus_first_error(form)
            return self._page(request, programme, goals_form=form, status=400)
        actor, data = self.actor(request), form.cleaned_data
        try:
            programme_set_goals(
                programme=programme,
                actor=actor,
                target_weight_kg=data["target_weight_kg"],
                target_waist_cm=data["target_waist_cm"],
                planned_outcome=data["planned_outcome"],
                behaviour_goals=data["behaviour_goals"],
                support_plan=data["support_plan"],
                expected_version=data.get("version"),
            )
            if {"assigned_staff", "provider"} & set(form.changed_data):
                programmes_assign(
                    programme_ids=[programme.pk], staff=data["assigned_staff"], provider=data["provider"], actor=actor
                )
        except ProgrammeVersionConflict:
            self.message_user(request, _("他の利用者が更新しました。再読み込みしてください"), messages.ERROR)
            return self._back(programme)
        self.message_user(request, _("目標と担当を保存しました"), messages.SUCCESS)
        return self._back(programme)

    def _page(
        self,
        request: HttpRequest,
        programme: Programme,
        *,
        contact_form: ContactAddForm | None = None,
        close_form: CloseForm | None = None,
        goals_form: GoalsForm | None = None,
        level_form: LevelDecisionForm | None = None,
        violations: list[RuleViolation] | None = None,
        status: int = 200,
    ) -> TemplateResponse:
        refused_form = "contact" if contact_form else "close" if close_form else "goals" if goals_form else ""
        refused_form = "level" if level_form else refused_form
        page = programme_page_context(programme)
        question = page["level_question"]
        context = {
            **self.admin_site.each_context(request),
            **page,
            "opts": self.model._meta,
            "title": str(programme),
            "original": programme,
            "contact_form": contact_form or ContactAddForm(initial={"version": programme.version, "form": 1}),
            "close_form": close_form or CloseForm(initial={"version": programme.version}),
            "goals_form": goals_form or self._goals_form(request, programme),
            "level_form": level_form
            or (LevelDecisionForm(initial={"version": programme.version}, question=question) if question else None),
            "violations": [
                {
                    "text": dates_in_words(v.message_en if get_language() == "en" else v.message_ja),
                    "rule": v.rule,
                    "spec": v.spec,
                }
                for v in violations or []
            ],
            "refused_form": refused_form if status == 400 else "",
        }
        return TemplateResponse(request, "admin/guidance/programme/page.html", context, status=status)

    def _back(self, programme: Programme) -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("admin:guidance_programme_change", args=[programme.pk]))
