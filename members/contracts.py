"""Which clinics may send an insurer's checkups (健診の委託契約, issue #13).

An insurer accepts records from the clinics it has a contract with on the exam date: an individual contract
(個別契約) with that clinic, or a 集合契約 open to every clinic. An insurer with no contract recorded at all accepts
every clinic (as under a 集合契約), so a new installation works at once. A record from a clinic without a contract
is held for staff (HoldReason.NO_CONTRACT), never refused: the exam happened.

One pure rule (`clinic_may_send`) over an insurer's contracts; the insurers of a chunk come with their contracts in
one query (`insurers_with_contracts`).
"""

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from .models import Insurer


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


def insurers_with_contracts(numbers: Iterable[str]) -> dict[str, tuple[int, list[ContractRow]]]:
    """Each known insurer's id and contracts by insurer number, in one query (unknown numbers are absent; an
    insurer without any contract has an empty list)."""
    found: dict[str, tuple[int, list[ContractRow]]] = {}
    rows = (
        Insurer.objects.filter(number__in=set(numbers))
        .order_by()
        .values_list(
            "number",
            "pk",
            "clinic_contracts__clinic__number",
            "clinic_contracts__valid_from",
            "clinic_contracts__valid_to",
        )
    )
    for number, insurer_id, clinic_number, valid_from, valid_to in rows:
        contracts = found.setdefault(number, (insurer_id, []))[1]
        if valid_from is not None:  # None: the row of an insurer without contracts (a contract always has one)
            contracts.append(ContractRow(clinic_number, valid_from, valid_to))
    return found


def without_contract[K](
    visits: dict[K, tuple[int, str, dt.date | None]], contracts: Mapping[int, Sequence[ContractRow]]
) -> set[K]:
    """The keys whose (insurer id, clinic number, exam date) none of the insurer's `contracts` covers."""
    return {
        key
        for key, (insurer_id, clinic, day) in visits.items()
        if day is not None and not clinic_may_send(contracts.get(insurer_id, ()), clinic, day)
    }
