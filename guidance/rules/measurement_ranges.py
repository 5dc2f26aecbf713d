"""SPEC §5.8: measurements at a contact within the checkup items' plausible ranges."""

from django.utils.translation import gettext_lazy as _

from infra.i18n import message

from ..contacts import ContactFacts, ProgrammeFacts
from ..measurements import CONTACT_MEASUREMENT_RANGES, out_of_range
from .violations import RuleViolation


def check_measurements(programme: ProgrammeFacts, contact: ContactFacts) -> list[RuleViolation]:
    """SPEC §5.8: weight, waist and blood pressure at a contact within the checkup items' plausible ranges."""
    found = []
    for field, (_bounds, unit) in CONTACT_MEASUREMENT_RANGES.items():
        value = getattr(contact, field)
        bounds = out_of_range(field, value)
        if bounds is not None:
            found.append(
                RuleViolation.of(
                    "measurement_out_of_range",
                    field,
                    message(
                        _("%(value)s %(unit)s は範囲外です(%(low)s〜%(high)s %(unit)s)"),
                        value=value,
                        unit=unit,
                        low=bounds[0],
                        high=bounds[1],
                    ),
                    "§5.8",
                    value=value,
                )
            )
    return found
