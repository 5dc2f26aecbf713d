"""健診実施機関 (clinics) named on received records: found by their number, created when unknown (SPEC §9.1).

One rule for the number (`clinic_number`) and one way to find or create them (`clinics_for`), for one record
and for a chunk of 10,000 alike: three queries at most, none per record.
"""

from collections.abc import Iterable

from .models import Clinic

CLINIC_NUMBER_LENGTH = 10  # 健診機関番号 (SPEC §9.1)
NAME_MAX = 200  # Clinic.name


def clinic_number(clinic_number: str, author_org_number: str) -> str | None:
    """The clinic of a record: its 健診実施機関番号, else the file's author (ファイル作成機関), if a valid number."""
    number = clinic_number or author_org_number
    if number and len(number) == CLINIC_NUMBER_LENGTH and number.isdigit():
        return number
    return None


def clinics_for(named: Iterable[tuple[str | None, str]], *, known: Iterable[Clinic] = ()) -> dict[str, Clinic]:
    """Clinics by number for (number, name) pairs, creating unknown ones under the first name given (else the
    number); pairs without a valid number are skipped. `known`: clinics already at hand (the sending clinic of a
    chunk, read with its API key), not read again."""
    names: dict[str, str] = {}
    for number, name in named:
        if number:
            names.setdefault(number, name or number)
    at_hand = {c.number: c for c in known if c.number in names}
    if not names.keys() - at_hand.keys():
        return at_hand
    found = {**at_hand, **{c.number: c for c in Clinic.objects.filter(number__in=names.keys() - at_hand.keys())}}
    missing = [Clinic(number=n, name=name[:NAME_MAX]) for n, name in names.items() if n not in found]
    if missing:
        Clinic.objects.bulk_create(missing, ignore_conflicts=True)
        found = {c.number: c for c in Clinic.objects.filter(number__in=names)}
    return found
