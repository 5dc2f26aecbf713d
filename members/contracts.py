"""Which clinics may send an insurer's checkups (健診の委託契約, issue #13).

An insurer accepts records from the clinics it has a contract with on the exam date: an individual contract
(個別契約) with that clinic, or a 集合契約 open to every clinic. An insurer with no contract recorded at all accepts
every clinic (as under a 集合契約), so a new installation works at once. A record from a clinic without a contract
is held for staff (HoldReason.NO_CONTRACT), never refused: the exam happened.

One pure rule (`clinic_may_send`) over an insurer's contracts; the contracts of every insurer in a chunk come in
one query (`contracts_by_insurer`).
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .models import ClinicContract


@dataclass(frozen=True, slots=True)
class ContractRow:
    clinic_number: str | None  # None: 集合契約 (every clinic)
    valid_from: dt.date
    valid_to: dt.date | None


def clinic_may_send(contracts: Sequence[ContractRow], clinic_number: str, day: dt.date) -> bool:
    """Whether a clinic may send the insurer's record of an exam on `day`."""
    if not contracts:
        return True  # no contract recorded: every clinic, as under a 集合契約
    return any(
        (c.clinic_number is None or c.clinic_number == clinic_number)
        and c.valid_from <= day
        and (c.valid_to is None or day < c.valid_to)
        for c in contracts
    )


def contracts_by_insurer(insurer_ids: Iterable[int]) -> dict[int, list[ContractRow]]:
    """The contracts of each insurer, in one query (insurers without any are absent)."""
    found: dict[int, list[ContractRow]] = defaultdict(list)
    rows = (
        ClinicContract.objects.filter(insurer_id__in=set(insurer_ids))
        .order_by()
        .values_list("insurer_id", "clinic__number", "valid_from", "valid_to")
    )
    for insurer_id, clinic_number, valid_from, valid_to in rows:
        found[insurer_id].append(ContractRow(clinic_number, valid_from, valid_to))
    return dict(found)


def without_contract[K](visits: dict[K, tuple[int, str, dt.date | None]]) -> set[K]:
    """The keys whose (insurer id, clinic number, exam date) no contract covers, in one query (none when empty)."""
    dated = {key: visit for key, visit in visits.items() if visit[2] is not None}
    if not dated:
        return set()
    contracts = contracts_by_insurer(insurer_id for insurer_id, _, _ in dated.values())
    return {
        key
        for key, (insurer_id, clinic, day) in dated.items()
        if day is not None and not clinic_may_send(contracts.get(insurer_id, []), clinic, day)
    }
