"""Seed the FY2029 targets of the 4th period (SPEC §6.4 ◆ editable data; national row with the 25 % reduction)."""

from decimal import Decimal

from django.db import migrations

TARGET_FISCAL_YEAR = 2029  # SPEC §6.4: targets for FY2029, end of the 4th period
# SPEC §6.4 table (percent): scope → (checkup, guidance, metabolic reduction vs FY2008 (SPEC §6.3)).
# A frozen copy of rates/targets.py (migrations are history); tests/rates/test_targets.py checks they agree.
TARGETS = {
    "national": (70, 45, 25),
    "municipal_nhi": (60, 60, None),
    "nhi_society": (70, 30, None),
    "kyokai_kenpo": (70, 35, None),
    "single_kenpo": (90, 60, None),
    "joint_kenpo": (85, 30, None),
    "mutual_aid": (90, 60, None),
}


def seed(apps, schema_editor):
    RateTarget = apps.get_model("rates", "RateTarget")
    for scope, (checkup, guidance, reduction) in TARGETS.items():
        RateTarget.objects.update_or_create(
            scope=scope,
            target_fiscal_year=TARGET_FISCAL_YEAR,
            defaults={
                "checkup_percent": Decimal(checkup),
                "guidance_percent": Decimal(guidance),
                "metabolic_reduction_percent": None if reduction is None else Decimal(reduction),
            },
        )


def unseed(apps, schema_editor):
    apps.get_model("rates", "RateTarget").objects.filter(
        target_fiscal_year=TARGET_FISCAL_YEAR, scope__in=list(TARGETS)
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("rates", "0001_add_rate_snapshot_and_targets")]
    operations = [migrations.RunPython(seed, unseed)]
