"""健診結果ファイルの取込 (issue #16): a staff member uploads a clinic's ZIP or XML in the admin.

The file goes through the same intake as the API and `import_mhlw` (`intake.services.upload_receive`), as the clinic's
file (`Submitter.for_staff`: the staff member and the sending clinic are recorded; only the chosen insurer's
records are taken). Then the upload's page shows progress and the per-record report. A refused file (not a ZIP
or an XML, unsafe, addressed to another insurer, every record refused) is said on the form; as with the API,
only its metadata is kept.
"""

from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from intake.services import Intake, upload_receive
from members.actors import Actor
from members.dates import day
from members.models import Clinic, Insurer

from .intake_types import Submitter
from .models import Upload
from .upload_report import staff_text


class ClinicChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.number})"


class StaffUploadForm(forms.Form):
    """A plain <select> per choice (labelled; select2 widgets had no accessible name)."""

    insurer = forms.ModelChoiceField(queryset=Insurer.objects.none(), label=_("保険者"))
    clinic = ClinicChoiceField(
        queryset=Clinic.objects.none(),
        label=_("ファイルを送ってきた健診機関"),
        empty_label=_("健診機関を選んでください"),
        help_text=_("契約のない健診機関からの記録は、照合保留になります。"),
    )
    file = forms.FileField(label=_("健診結果ファイル(送付用アーカイブのZIP、またはXML)"))

    def __init__(self, *args: Any, insurers: QuerySet[Insurer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = list(insurers)
        self.only_insurer = choices[0] if len(choices) == 1 else None
        if self.only_insurer is not None:
            del self.fields["insurer"]  # nothing to choose
        else:
            cast(forms.ModelChoiceField, self.fields["insurer"]).queryset = insurers
        cast(forms.ModelChoiceField, self.fields["clinic"]).queryset = Clinic.objects.order_by("name", "number")

    def clean_file(self) -> Any:
        uploaded = self.cleaned_data["file"]
        if uploaded.size > int(settings.UPLOAD_MAX_BYTES):
            raise forms.ValidationError(
                _("ファイルが大きすぎます(上限 %(mb)s MB)。") % {"mb": int(settings.UPLOAD_MAX_BYTES) // 2**20}
            )
        return uploaded

    def chosen_insurer(self) -> Insurer:
        return self.only_insurer or self.cleaned_data["insurer"]


def _refusal(upload: Upload) -> str | None:
    """Why nothing of the file was taken, in Japanese, or None when something was."""
    if upload.status == Upload.Status.FAILED:
        return staff_text(upload.error["message_ja"]) if upload.error else str(_("このファイルは読み込めません。"))
    if upload.status == Upload.Status.DONE and upload.total and upload.rejected == upload.total:
        first = next((e for entry in upload.report for e in entry.get("errors", [])), None)
        reason = staff_text(first["message_ja"]) if first else ""
        return str(_("取り込める記録がありませんでした。%(reason)s") % {"reason": reason})
    return None


def _answer(model_admin: admin.ModelAdmin, request: HttpRequest, intake: Intake) -> HttpResponse:
    upload = intake.upload
    page = reverse("admin:checkups_upload_change", args=[upload.pk])
    if not intake.created:
        text = _("このファイルは%(day)sに受け付け済みです。最初の受付の結果を表示します。")
        model_admin.message_user(request, text % {"day": day(upload.created_at)}, messages.WARNING)
    elif upload.status == Upload.Status.DONE:
        text = _("受け付けました: 取込 %(accepted)s 件、照合保留 %(held)s 件、エラー %(rejected)s 件。")
        counts = {"accepted": upload.accepted, "held": upload.held, "rejected": upload.rejected}
        model_admin.message_user(request, text % counts, messages.SUCCESS)
    else:
        text = _("受け付けました。%(total)s 件を順に取り込んでいます。このページで進捗を確認できます。")
        model_admin.message_user(request, text % {"total": upload.total}, messages.SUCCESS)
    return HttpResponseRedirect(page)


def staff_upload_view(model_admin: admin.ModelAdmin, request: HttpRequest, actor: Actor) -> HttpResponse:
    insurers = Insurer.objects.visible_to(actor).order_by("number")
    form = StaffUploadForm(request.POST or None, request.FILES or None, insurers=insurers)
    refused_upload: Upload | None = None
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        submitter = Submitter.for_staff(
            user=request.user, insurer=form.chosen_insurer(), clinic=form.cleaned_data["clinic"]
        )
        intake = upload_receive(submitter=submitter, data=uploaded.read(), file_name=uploaded.name or "")
        visible = Upload.objects.visible_to(actor).filter(pk=intake.upload.pk).exists()
        refusal = _refusal(intake.upload)
        if not visible:  # the same file, received before for an insurer this staff member does not see
            form.add_error("file", _("このファイルは、別の保険者宛てとして既に受け付けられています。"))
        elif refusal is not None:
            form.add_error("file", refusal)
            refused_upload = intake.upload
        else:
            return _answer(model_admin, request, intake)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("健診結果ファイルの取込"),
        "form": form,
        "refused_upload": refused_upload,
    }
    return TemplateResponse(request, "admin/checkups/upload/staff_upload.html", context)
