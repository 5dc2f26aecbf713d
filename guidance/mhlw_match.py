"""Which programme a received guidance file (g…xml, SPEC §9.6) reports on, for a batch of files at once.

The person by card, branch, birth date and sex (the checkups' rule, SPEC §1.5), the checkup by the file's exam
date (serviceEvent/effectiveTime, SPEC §5.1), its programme — created when the checkup makes one
(`programmes_sync_for_checkups`) — and the file's level compared with the programme's. A query each for insurers,
persons, checkups, programmes and providers, and one UPDATE per provider for the programmes it takes on.

◆ A file whose person, checkup or programme cannot be found, or whose programme another provider runs, gets one
neutral refusal (whether a card exists is not told to the sender, as for checkups). A guidance provider reports on
programmes assigned to it or to no one (then they are assigned to it); another sender's file assigns an
unassigned programme to the provider the file names, when we know it.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from checkups.mhlw.findings import RecordError, finding
from checkups.models import Checkup
from infra.i18n import Message, StrOrPromise, message
from members.matching import card_key, people_by_card, person_choose
from members.models import GuidanceProvider, Insurer

from .codes import ProgrammeLevel
from .mhlw.document import GuidanceDocument
from .models import Programme
from .services import programmes_sync_for_checkups

NOT_FOUND: Message = _(
    "報告できる特定保健指導が見つかりません。保険者番号・被保険者証・生年月日・健診実施日を確認し、"
    "健診結果が届いた後にもう一度送ってください"
)
NOT_A_TARGET: Message = _("この健診結果(%(exam_date)s)は特定保健指導の対象ではありません")
LEVEL_DIFFERS: Message = _("ファイルの保健指導区分「%(sent)s」が、この特定保健指導の区分「%(ours)s」と異なります")


@dataclass(frozen=True)
class Match:
    programme: Programme
    created: bool  # the programme was created for this file


def programmes_for_files(
    documents: dict[int, GuidanceDocument], *, reporter: GuidanceProvider | None, today: dt.date
) -> dict[int, Match | RecordError]:
    """Each file's programme, or why it has none; `reporter` is the provider that sent the files, if one did."""
    checkup_of = _checkups(documents, _persons(documents))
    programmes, created = _programmes_of(list(checkup_of.values()), today)
    numbers = {d.provider_number for d in documents.values()}
    providers = {p.number: p for p in GuidanceProvider.objects.filter(number__in=numbers)}
    found: dict[int, Match | RecordError] = {}
    assign: dict[GuidanceProvider, list[Programme]] = {}
    for i, doc in documents.items():
        checkup = checkup_of.get(i)
        programme = programmes.get(checkup.pk) if checkup is not None else None
        refusal = _refusal(doc, checkup, programme, reporter)
        if refusal is not None or programme is None:
            found[i] = refusal or finding("file", "guidance_programme_not_found", None, NOT_FOUND)
            continue
        provider = reporter or providers.get(doc.provider_number)
        if programme.provider_id is None and provider is not None:
            assign.setdefault(provider, []).append(programme)
        found[i] = Match(programme, programme.pk in created)
    for provider, taken in assign.items():
        Programme.objects.filter(pk__in=[p.pk for p in taken], provider__isnull=True).update(provider=provider)
        for programme in taken:
            programme.provider = provider
    return found


def _persons(documents: dict[int, GuidanceDocument]) -> dict[int, int]:
    """The person of each file (SPEC §1.5: card, branch, birth date and sex), in two queries."""
    insurers = {i.number: i for i in Insurer.objects.filter(number__in={d.insurer_number for d in documents.values()})}
    keys = {
        i: card_key(insurers[d.insurer_number].pk, d.card_symbol, d.card_number)
        for i, d in documents.items()
        if d.insurer_number in insurers
    }
    candidates = people_by_card(keys.values())
    person_of: dict[int, int] = {}
    for i, key in keys.items():
        doc = documents[i]
        row, reason = person_choose(
            candidates.get(key, []), card_branch=doc.card_branch, birth_date=doc.birth_date, sex=doc.sex
        )
        if row is not None and reason is None:
            person_of[i] = row.pk
    return person_of


def _checkups(documents: dict[int, GuidanceDocument], person_of: dict[int, int]) -> dict[int, Checkup]:
    """The checkup each file's programme came from (serviceEvent/effectiveTime = exam date, SPEC §5.1)."""
    rows = Checkup.objects.filter(
        person_id__in=set(person_of.values()), exam_date__in={d.exam_date for d in documents.values()}
    ).order_by("counts_for_fiscal_year", "pk")  # the counted one last, so it wins
    by_day = {(c.person_id, c.exam_date): c for c in rows}
    return {
        i: by_day[(p, documents[i].exam_date)] for i, p in person_of.items() if (p, documents[i].exam_date) in by_day
    }


def _programmes_of(checkups: list[Checkup], today: dt.date) -> tuple[dict[int, Programme], set[int]]:
    """The programme of each checkup by checkup id, created where the checkup makes one (SPEC §5.1); the ids
    of those created now."""
    ids = [c.pk for c in checkups]
    programmes = {p.checkup_id: p for p in Programme.objects.filter(checkup_id__in=ids)}
    missing = [pk for pk in ids if pk not in programmes]
    if not missing:
        return programmes, set()
    programmes_sync_for_checkups(checkup_ids=missing, today=today)
    new = {p.checkup_id: p for p in Programme.objects.filter(checkup_id__in=missing)}
    programmes.update(new)
    return programmes, {p.pk for p in new.values()}


def _refusal(
    doc: GuidanceDocument, checkup: Checkup | None, programme: Programme | None, reporter: GuidanceProvider | None
) -> RecordError | None:
    if checkup is None or (
        programme is not None and reporter is not None and programme.provider_id not in (None, reporter.pk)
    ):
        return finding("file", "guidance_programme_not_found", None, NOT_FOUND)
    if programme is None:
        text = message(NOT_A_TARGET, exam_date=checkup.exam_date.isoformat())
        return finding("file", "guidance_not_a_target", str(checkup.exam_date), text)
    if programme.level != doc.level:
        text = message(LEVEL_DIFFERS, sent=_level_label(doc.level), ours=ProgrammeLevel(programme.level).label)
        return finding("level", "guidance_level_differs", str(doc.level), text)
    return None


def _level_label(level: int) -> StrOrPromise:
    """The level's name, lazy, so each language of the message renders its own."""
    return ProgrammeLevel(level).label if level in ProgrammeLevel.values else str(level)
