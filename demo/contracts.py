"""Demo clinic contracts (issue #13): both kinds, so staff see what decides which clinics may send.

The demo insurer had a 集合契約 (open to every clinic) for FY2023–FY2024 and has individual contracts (個別契約)
with its three demo clinics from FY2023 on; a clinic outside them is held for staff (no_contract) from FY2025.
"""

import datetime as dt
from typing import Any

from demo.population import CLINICS
from members.models import Clinic, ClinicContract

FROM_FY2023 = dt.date(2023, 4, 1)
UNTIL_FY2025 = dt.date(2025, 4, 1)  # the 集合契約 is no longer valid from this day


def seed(population: Any, *, today: dt.date) -> str:
    insurer = population.insurer
    contracts = ClinicContract.objects.filter(insurer=insurer)
    if not contracts.exists():
        ClinicContract.objects.create(
            insurer=insurer,
            kind=ClinicContract.Kind.COLLECTIVE,
            name="令和5・6年度 集合契約(健診機関の団体)",
            valid_from=FROM_FY2023,
            valid_to=UNTIL_FY2025,
        )
        ClinicContract.objects.bulk_create(
            ClinicContract(
                insurer=insurer,
                kind=ClinicContract.Kind.INDIVIDUAL,
                clinic=clinic,
                name="個別契約",
                valid_from=FROM_FY2023,
            )
            for clinic in Clinic.objects.filter(number__in=[number for number, _ in CLINICS]).order_by("number")
        )
    kinds = sorted(contracts.values_list("kind", flat=True))
    return f"{kinds.count('individual')} individual contracts, {kinds.count('collective')} 集合契約"
