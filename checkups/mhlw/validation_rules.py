"""Tables behind record-level validation (SPEC §9.4, §4.4, §2.1). Edit the tables, not the checks."""

from decimal import Decimal

HEIGHT = "9N001000000000001"
WEIGHT = "9N006000000000001"
BMI = "9N011000000000001"
MEAL_TIMING = "9N141000000000011"  # 採血時間(食後), OID .2202 (SPEC §2.1)
NOT_PERFORMED_REASON = "9N512000000000011"  # 測定不可能・検査未実施の理由 (formats-notes §1.8)
INSURER_NUMBER_LENGTH = 8  # SPEC §1.5
CARD_BRANCH_LENGTH = 2  # SPEC §1.5, co08 [0-9]{2}
MAX_AGE = 120  # ◆ date sanity
SUPPORTED_PROGRAMS = ("010", "030")  # SPEC §9 / §7.2: 特定健診, 事業者健診

FASTING_TRIGLYCERIDES = ("3F015000002327101", "3F015000002327201", "3F015000002399901")
RANDOM_TRIGLYCERIDES = ("3F015129902327101", "3F015129902327201", "3F015129902399901")
FASTING_GLUCOSE = ("3D010000001926101", "3D010000002227101", "3D010000001927201", "3D010000001999901")
RANDOM_GLUCOSE = ("3D010129901926101", "3D010129902227101", "3D010129901927201", "3D010129901999901")

# Allowed 採血時間 codes per item, by period. SPEC §9.4: fasting TG / fasting glucose need 2, random TG 3 or 4.
# ◆ random glucose needs 3 or 4 as well (the table's note still cites the 3rd-period code 1).
# ◆ 3rd period: TG had no fasting/random split (no rule); random glucose needed code 1 (10時間未満).
MEAL_TIMING_RULES: dict[int, dict[str, frozenset[str]]] = {
    4: {
        **dict.fromkeys(FASTING_TRIGLYCERIDES, frozenset({"2"})),
        **dict.fromkeys(RANDOM_TRIGLYCERIDES, frozenset({"3", "4"})),
        **dict.fromkeys(FASTING_GLUCOSE, frozenset({"2"})),
        **dict.fromkeys(RANDOM_GLUCOSE, frozenset({"3", "4"})),
    },
    3: {
        **dict.fromkeys(FASTING_GLUCOSE, frozenset({"2"})),
        **dict.fromkeys(RANDOM_GLUCOSE, frozenset({"1"})),
    },
}


def _ranges(codes: tuple[str, ...], low: str, high: str) -> dict[str, tuple[Decimal, Decimal]]:
    return dict.fromkeys(codes, (Decimal(low), Decimal(high)))


# ◆ Plausible ranges (project decision, not MHLW): values outside are data-entry errors unless the clinic flagged
# the value as out of the input range (L/H). Units are the item table's UCUM units.
PLAUSIBLE_RANGES: dict[str, tuple[Decimal, Decimal]] = {
    **_ranges((HEIGHT,), "100", "250"),  # cm
    **_ranges((WEIGHT,), "20", "300"),  # kg
    **_ranges((BMI,), "10", "80"),  # kg/m2
    **_ranges(("9N016160100000001", "9N016160200000001", "9N016160300000001"), "40", "250"),  # waist cm
    **_ranges(("9N021000000000001",), "1", "1000"),  # visceral fat area cm2
    **_ranges(("9A751000000000001", "9A752000000000001", "9A755000000000001"), "50", "300"),  # systolic
    **_ranges(("9A761000000000001", "9A762000000000001", "9A765000000000001"), "30", "200"),  # diastolic
    **_ranges(FASTING_TRIGLYCERIDES + RANDOM_TRIGLYCERIDES, "10", "5000"),  # mg/dL
    **_ranges(("3F070000002327101", "3F070000002327201", "3F070000002399901"), "5", "300"),  # HDL
    **_ranges(
        ("3F077000002327101", "3F077000002327201", "3F077000002399901", "3F077000002391901"), "10", "1000"
    ),  # LDL
    **_ranges(("3F069000002391901",), "10", "1000"),  # Non-HDL
    **_ranges(FASTING_GLUCOSE + RANDOM_GLUCOSE, "20", "1000"),  # mg/dL
    **_ranges(("3D046000001906202", "3D046000001920402", "3D046000001927102", "3D046000001999902"), "3", "20"),
    **_ranges(
        (
            "3B035000002327201",
            "3B035000002399901",
            "3B045000002327201",
            "3B045000002399901",
            "3B090000002327101",
            "3B090000002399901",
        ),
        "1",
        "5000",
    ),  # AST / ALT / γ-GT U/L
    **_ranges(("3C015000002327101", "3C015000002399901"), "0.1", "30"),  # creatinine mg/dL
    **_ranges(("8A065000002391901",), "1", "300"),  # eGFR
}

# ◆ メタボ判定 (9N501) and 保健指導レベル (9N506) are required in the files we write, but on receipt we compute our
# own (SPEC §2.9: a clinic-sent value is stored as sent, flagged when it differs, and ours is used), so a record
# without them is not rejected.
INSURER_COMPUTED_ITEMS = frozenset({"9N501000000000011", "9N506000000000011"})
