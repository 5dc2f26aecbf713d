"""What the intake passes between its steps: who sent (Submitter), one record on its way (Incoming) and what
happened to it (Outcome)."""

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from infra.i18n import Message, bilingual
from members.actors import Actor, ActorKind
from members.models import ApiKey, Clinic, Employer, GuidanceProvider, Insurer

from .mhlw.document import CheckupDocument
from .mhlw.validation import RecordError
from .resends import Sender

HELD_FOR_REVIEW: Message = _("保険者の担当者の確認のため保留しました。確認が済むと取り込まれます")


@dataclass(frozen=True)
class Submitter:
    """Who sent an upload; `label` is unique per submitter ("clinic:<pk>", "employer:<pk>", "command").

    `insurer` is set when a staff member brings in a clinic's file for one insurer (`for_staff`): the upload is
    that insurer's, an archive addressed to another is refused and a record of another insurer is rejected.
    """

    label: str
    clinic: Clinic | None = None
    employer: Employer | None = None
    user: Any = None
    provider: GuidanceProvider | None = None  # a guidance provider sends guidance files (g…, SPEC §9.6)
    insurer: Insurer | None = None

    @property
    def is_employer(self) -> bool:
        return self.employer is not None

    @classmethod
    def of_organisation(
        cls, *, clinic: Clinic | None = None, employer: Employer | None = None, provider: GuidanceProvider | None = None
    ) -> "Submitter | None":
        """The submitter of a clinic, an employer or a guidance provider: one label per organisation."""
        if clinic is not None:
            return cls(label=f"clinic:{clinic.pk}", clinic=clinic)
        if employer is not None:
            return cls(label=f"employer:{employer.pk}", employer=employer)
        if provider is not None:
            return cls(label=f"provider:{provider.pk}", provider=provider)
        return None

    @classmethod
    def for_request(cls, actor: Actor, auth: Any) -> "Submitter":
        """The submitter of an API request: from its key's organisation, read with the key (no query), else from the
        actor."""
        found = None
        if isinstance(auth, ApiKey):
            found = cls.of_organisation(
                clinic=auth.clinic if actor.kind == ActorKind.CLINIC else None,
                employer=auth.employer if actor.kind == ActorKind.EMPLOYER else None,
                provider=auth.guidance_provider if actor.kind == ActorKind.GUIDANCE_PROVIDER else None,
            )
        return found or cls.for_actor(actor)

    @classmethod
    def for_actor(cls, actor: Actor, user: Any = None) -> "Submitter":
        found = None
        if actor.kind == ActorKind.CLINIC:
            assert actor.clinic_id is not None  # a clinic key names its clinic
            found = cls.of_organisation(clinic=Clinic.objects.get(pk=actor.clinic_id))
        elif actor.kind == ActorKind.EMPLOYER:
            assert actor.employer_id is not None  # an employer key names its employer
            found = cls.of_organisation(employer=Employer.objects.select_related("insurer").get(pk=actor.employer_id))
        elif actor.kind == ActorKind.GUIDANCE_PROVIDER:
            assert actor.guidance_provider_id is not None  # a provider key names its provider
            found = cls.of_organisation(provider=GuidanceProvider.objects.get(pk=actor.guidance_provider_id))
        if found is not None:
            return found
        if user is not None and getattr(user, "pk", None):
            return cls(label=f"user:{user.pk}", user=user)
        return cls(label=actor.label or "command")

    @classmethod
    def for_staff(cls, *, user: Any, insurer: Insurer, clinic: Clinic) -> "Submitter":
        """A staff member uploading a file a clinic sent (admin 健診結果ファイルの取込, issue #16).

        ◆ The file is the clinic's, so it is deduplicated with the clinic's own uploads (label "clinic:<pk>"):
        the same file brought in twice, by two staff members or by the clinic's API as well, is stored once and
        its held records are not duplicated. The staff member is kept as `submitted_by_user`.
        """
        return cls(label=f"clinic:{clinic.pk}", clinic=clinic, user=user, insurer=insurer)


@dataclass
class Incoming:
    """One parsed and validated record on its way to the database."""

    document: CheckupDocument
    source: str
    submitted_by_clinic: Clinic | None = None
    submitted_by_employer: Employer | None = None
    for_insurer: Insurer | None = None  # a staff upload: only this insurer's records (Submitter.insurer)
    missing_items: list[dict[str, Any]] = field(default_factory=list)
    items: dict[str, dict[str, Any]] | None = None  # precomputed by prepare_document (else from the document)
    columns: dict[str, Any] | None = None
    items_json: str | None = None
    read_file: Callable[[], bytes] | None = None  # the file again, when `document` came without its observations
    judgment: dict[str, Any] | None = None
    sender: Sender | None = None  # named in the correction history when the record re-sends a stored exam


@dataclass
class Outcome:
    """What happened to one record: accepted (checkup id), held (held record id) or rejected (errors)."""

    status: str  # "accepted" | "held" | "rejected"
    checkup_id: int | None = None
    held_id: int | None = None
    insurer_id: int | None = None  # of an accepted or held record (the upload's insurer, without a look-up)
    created: bool = False
    result: str = ""  # accepted: "created", "updated" (a re-send with other values) or "unchanged" (issue #13)
    changes: list[dict[str, Any]] = field(default_factory=list)  # of an update: {"code", "from", "to"}
    errors: list[RecordError] = field(default_factory=list)
    warnings: list[RecordError] = field(default_factory=list)
    reason_ja: str = ""
    reason_en: str = ""
    # of an accepted record, as stored (the JSON answer names them; not in the upload's report)
    guidance_level: int | None = None
    metabolic_judgment: int | None = None

    def to_entry(self, index: int, name: str) -> dict[str, Any]:
        entry: dict[str, Any] = {"index": index, "file": name, "status": self.status}
        if self.checkup_id is not None:
            entry["checkup"] = self.checkup_id
            entry["created"] = self.created
            entry["result"] = self.result
            entry["changes"] = self.changes
        if self.held_id is not None:
            entry["held"] = self.held_id
            # the sender sees one neutral answer: whether a card exists is for staff (HeldRecord.reason, issue #13)
            entry["message_ja"], entry["message_en"] = bilingual(HELD_FOR_REVIEW)
        entry["errors"] = [asdict(e) for e in self.errors]
        entry["warnings"] = [asdict(w) for w in self.warnings]
        return entry


def rejected(*errors: RecordError, warnings: Sequence[RecordError] = ()) -> Outcome:
    return Outcome(status="rejected", errors=list(errors), warnings=list(warnings))
