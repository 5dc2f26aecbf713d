"""Base admin: every admin queryset starts from `visible_to(actor)`; another insurer's record is a 404."""

from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from .actors import Actor, actor_from_request
from .audit import access_log_record
from .dates import fiscal_year_label


class ScopedAdmin(admin.ModelAdmin):
    """Staff of an insurer manage that insurer's data; permissions follow the actor, not per-model perms."""

    staff_can_add = False
    staff_can_change = False
    staff_can_delete = False
    audit_action: str | None = None  # set to log each change-page view in the access log
    page_related: tuple[str, ...] = ()  # what a page of one record (visible_or_404) reads with it

    def actor(self, request: HttpRequest) -> Actor:
        return actor_from_request(request)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset: Any = super().get_queryset(request)  # every scoped model's QuerySet defines visible_to(actor)
        return queryset.visible_to(self.actor(request))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.actor(request).is_staff

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.actor(request).is_staff

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self.actor(request).is_staff and self.staff_can_add

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.actor(request).is_staff and self.staff_can_change

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.actor(request).is_staff and self.staff_can_delete

    def person_id_of(self, obj: Any) -> int | None:
        return getattr(obj, "person_id", None)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        obj = self.get_object(request, object_id)
        if obj is None:
            raise Http404  # not a redirect: another insurer's record must look like no record at all
        if request.method == "GET":
            self.log_view(request, obj)
        return super().change_view(request, object_id, form_url, extra_context)

    def visible_or_404(self, request: HttpRequest, object_id: Any) -> Any:
        """One record as the user sees it, with `page_related`; another insurer's record looks like no record."""
        if not str(object_id).isdigit():
            raise Http404
        queryset = self.get_queryset(request)
        if self.page_related:
            queryset = queryset.select_related(*self.page_related)
        obj = queryset.filter(pk=object_id).first()
        if obj is None:
            raise Http404
        return obj

    def log_view(self, request: HttpRequest, obj: Any) -> None:
        """One access-log row for a staff read of this record's person (when the admin is audited)."""
        person_id = self.person_id_of(obj)
        if self.audit_action and person_id is not None:
            access_log_record(
                actor=self.actor(request),
                person_ids=[person_id],
                action=self.audit_action,
                target=f"{obj._meta.model_name}:{obj.pk}",
                request=request,
            )

    def get_list_filter(self, request: HttpRequest) -> list[Any]:
        """A filter on a related model offers only the values in the user's own rows: Django's default would list
        every insurer and every employer, another insurer's names included."""
        scoped: list[Any] = []
        for entry in super().get_list_filter(request):
            if isinstance(entry, str):
                field = get_fields_from_path(self.model, entry)[-1]
                if field.is_relation:
                    entry = (entry, admin.RelatedOnlyFieldListFilter)
            scoped.append(entry)
        return scoped

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        related = db_field.related_model
        if hasattr(related.objects, "visible_to") and hasattr(related.objects.all(), "visible_to"):
            kwargs["queryset"] = related.objects.all().visible_to(self.actor(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class FiscalYearFilter(admin.SimpleListFilter):
    """年度で絞り込む: the years of the user's own rows, newest first, as 2025年度."""

    title = _("年度")
    parameter_name = "fiscal_year__exact"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        years = model_admin.get_queryset(request).order_by().values_list("fiscal_year", flat=True).distinct()
        return [(str(year), fiscal_year_label(year)) for year in sorted(set(years), reverse=True)]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        return queryset.filter(fiscal_year=int(value)) if value and value.isdigit() else queryset


class LabelledTabularInline(admin.TabularInline):
    """A tabular inline whose inputs carry their column's name (aria-label): in a table a field has no <label>,
    and screen readers (axe-core: label, select-name) need one."""

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None:
            formfield.widget.attrs.setdefault("aria-label", str(db_field.verbose_name))
        return formfield
