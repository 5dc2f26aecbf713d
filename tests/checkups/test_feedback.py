"""Feedback by level (checkups/feedback.py): one message per item and range, never a diagnosis (issue #18)."""

from decimal import Decimal

import pytest
from django.utils import translation

from checkups.feedback import FEEDBACK, REFERRAL_NOTE, feedback
from checkups.standards import STANDARDS, Band, Limits, judge
from members.codes import Sex


def test_every_standard_has_its_words_and_a_referral_value_has_a_referral_message() -> None:
    assert set(FEEDBACK) == set(STANDARDS)
    for field, standard in STANDARDS.items():
        limits = [standard.limits] if isinstance(standard.limits, Limits) else list(standard.limits.values())
        has_referral = any(limit.referral is not None for limit in limits)
        assert (FEEDBACK[field].referral is not None) == has_referral, field


@pytest.mark.parametrize(
    ("field", "value", "sex", "band", "words"),
    [
        ("systolic", "129.5", None, Band.NORMAL, "normal"),
        ("systolic", "130", None, Band.GUIDANCE, "guidance"),
        ("systolic", "140", None, Band.REFERRAL, "referral"),
        ("systolic", "159.5", None, Band.REFERRAL, "referral"),
        ("systolic", "160", None, Band.REFERRAL, "urgent"),  # S1-164: see a doctor soon
        ("diastolic", "100", None, Band.REFERRAL, "urgent"),
        ("ldl", "174", None, Band.REFERRAL, "referral"),
        ("ldl", "139", None, Band.GUIDANCE, "guidance"),
        ("hdl", "39", None, Band.GUIDANCE, "guidance"),  # no referral value: the guidance words
        ("hdl", "40", None, Band.NORMAL, "normal"),
        ("hemoglobin", "13.0", Sex.MALE, Band.GUIDANCE, "guidance"),
        ("hemoglobin", "12.0", Sex.MALE, Band.REFERRAL, "referral"),
        ("hemoglobin", "12.0", Sex.FEMALE, Band.GUIDANCE, "guidance"),
        ("waist", "89.9", Sex.FEMALE, Band.NORMAL, "normal"),
        ("waist", "90", Sex.FEMALE, Band.GUIDANCE, "guidance"),
        ("egfr", "44.9", None, Band.REFERRAL, "referral"),
        ("urine_protein", 2, None, Band.GUIDANCE, "guidance"),
    ],
)
def test_the_message_follows_the_band(field: str, value: str | int, sex: int | None, band: Band, words: str) -> None:
    assert judge(field, value, sex) == band
    assert feedback(field, Decimal(str(value)), sex) == getattr(FEEDBACK[field], words)


def test_no_message_names_a_disease() -> None:
    """A result is a reason to act or to talk to a doctor, never a diagnosis (SPEC §8)."""
    with translation.override("ja"):  # not whatever language an earlier test's request left active
        texts = [str(m) for f in FEEDBACK.values() for m in (f.normal, f.guidance, f.referral, f.urgent) if m]
        note = str(REFERRAL_NOTE)
    for text in texts:
        for word in ("症", "病気です", "疑い", "診断"):
            assert word not in text, text
    assert "診断ではありません" in note and "すぐに薬" in note


def test_messages_are_in_english_in_the_english_ui() -> None:
    with translation.override("en"):
        assert str(feedback("ldl", Decimal("174"))).startswith("Talk to a doctor about your LDL")
        assert "not a diagnosis" in str(REFERRAL_NOTE)
