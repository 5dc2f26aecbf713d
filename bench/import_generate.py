"""Generate an N-person 4th-period MHLW archive (clinic → insurer) and its roster for the import benchmark.

Every record is the synthetic sample CDA (tests/fixtures, 52 items incl. a series group and optional items) with
the person's card, birth date and sex and values drawn per person; BMI is computed so the record is valid.
Used by bench/import_bench.py; on its own it writes the ZIP and a roster CSV:

    .venv/bin/python bench/import_generate.py --persons 10000 --out /tmp/import_10000.zip
"""

import argparse
import copy
import csv
import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from checkups.bmi import compute_bmi
from checkups.mhlw.archive import build_archive
from checkups.mhlw.cda import parse_cda
from checkups.mhlw.document import CheckupDocument

SAMPLE = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "h99999999992026040101000000.xml"
INSURER_NUMBER = "06777777"
CLINIC_NUMBER = "9999999999"
CARD_SYMBOL = "B1"
FISCAL_YEAR_START = dt.date(2025, 4, 1)


@dataclass(frozen=True)
class RosterRow:
    card_number: str
    sex: int
    birth_date: dt.date


def _q(value: float, places: int = 1) -> str:
    return f"{value:.{places}f}" if places else str(round(value))


def _values(rng: random.Random, sex: int) -> dict[str, str]:
    height = rng.gauss(171 if sex == 1 else 158, 6)
    bmi_target = rng.gauss(23.5, 3.2)
    weight = bmi_target * (height / 100) ** 2
    height_s, weight_s = _q(height), _q(weight)
    return {
        "9N001000000000001": height_s,
        "9N006000000000001": weight_s,
        "9N011000000000001": str(compute_bmi(Decimal(height_s), Decimal(weight_s))),
        "9N016160100000001": _q(rng.gauss(84 if sex == 1 else 80, 9)),
        "9A751000000000001": _q(rng.gauss(125, 15), 0),
        "9A752000000000001": _q(rng.gauss(123, 15), 0),
        "9A761000000000001": _q(rng.gauss(78, 10), 0),
        "9A762000000000001": _q(rng.gauss(77, 10), 0),
        "3F015000002327101": _q(max(30, rng.lognormvariate(4.7, 0.45)), 0),
        "3F070000002327101": _q(max(20, rng.gauss(60, 14)), 0),
        "3F077000002327101": _q(max(40, rng.gauss(125, 30)), 0),
        "3B035000002327201": _q(max(8, rng.gauss(24, 8)), 0),
        "3B045000002327201": _q(max(5, rng.gauss(24, 12)), 0),
        "3B090000002327101": _q(max(5, rng.lognormvariate(3.4, 0.6)), 0),
        "3D010000001926101": _q(max(60, rng.gauss(98, 14)), 0),
        "3D046000001906202": _q(max(4.0, rng.gauss(5.6, 0.5))),
        "9N701000000000011": rng.choice("1222222"),
        "9N706000000000011": rng.choice("12222222222"),
        "9N711000000000011": rng.choice("122222"),
        "9N736000000000011": rng.choice("1233333"),
        "9N786000000000011": rng.choice("12345678"),
        "9N791000000000011": rng.choice("12345"),
    }


def generate(persons: int, seed: int = 2026) -> tuple[list[CheckupDocument], list[RosterRow]]:
    rng = random.Random(seed)
    template = parse_cda(SAMPLE.read_bytes())
    documents: list[CheckupDocument] = []
    roster: list[RosterRow] = []
    for number in range(persons):
        sex = rng.choice((1, 2))
        birth = dt.date(1951, 4, 2) + dt.timedelta(days=rng.randrange(34 * 365))
        row = RosterRow(card_number=f"{number:07d}", sex=sex, birth_date=birth)
        doc = copy.deepcopy(template)
        doc.insurer_number, doc.card_symbol, doc.card_number, doc.card_branch = (
            INSURER_NUMBER,
            CARD_SYMBOL,
            row.card_number,
            "00",
        )
        doc.sex, doc.birth_date = sex, birth
        doc.name_kana = "ベンチタロウ" if sex == 1 else "ベンチハナコ"
        doc.exam_date = FISCAL_YEAR_START + dt.timedelta(days=rng.randrange(300))
        doc.document_date, doc.ticket_number = doc.exam_date, ""
        values = _values(rng, sex)
        for observation in doc.observations:
            if observation.code in values:
                observation.value = values[observation.code]
        documents.append(doc)
        roster.append(row)
    return documents, roster


def build(persons: int, seed: int = 2026) -> tuple[str, bytes, list[RosterRow]]:
    documents, roster = generate(persons, seed)
    name, data = build_archive(CLINIC_NUMBER, INSURER_NUMBER, dt.date(2026, 4, 1), 1, documents, interaction_type=6)
    return name, data, roster


def main() -> None:
    import os
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=10_000)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    name, data, roster = build(args.persons)
    args.out.write_bytes(data)
    with args.out.with_suffix(".roster.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["insurer_number", "card_symbol", "card_number", "card_branch", "sex", "birth_date"])
        for row in roster:
            writer.writerow([INSURER_NUMBER, CARD_SYMBOL, row.card_number, "00", row.sex, row.birth_date.isoformat()])
    print(f"wrote {args.out} ({name}, {len(data):,} bytes) and its roster ({len(roster)} persons)")


if __name__ == "__main__":
    main()
