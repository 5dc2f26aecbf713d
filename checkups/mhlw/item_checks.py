"""SPEC §9.5 item checks: a unit or a method code, when sent, must be what the item table lists.

Pure functions over one observation and its item definition; `validation.observations.check_observation` calls
them for every record, JSON or CDA (one implementation). Each finding names the item, the value sent and what is
allowed.
"""

from django.utils.translation import gettext_lazy as _

from checkups.mhlw.document import Observation
from checkups.mhlw.findings import RecordError, finding
from checkups.mhlw.itemtable import ItemDef, allowed_method_codes
from infra.i18n import Message, message

UNIT_MISMATCH = "unit_mismatch"  # SPEC §9.5
UNKNOWN_METHOD_CODE = "unknown_method_code"  # SPEC §9.5
NOTHING_ALLOWED: Message = _("なし")


def _label(definition: ItemDef) -> str:
    return f"{definition.code} ({definition.name})"


def _units_agree(sent: str, table: str) -> bool:
    """◆ UCUM units compared case-insensitively (mg/dl is mg/dL), as clinics' systems write both."""
    return sent == table or sent.casefold() == table.casefold()


def check_unit(observation: Observation, definition: ItemDef) -> RecordError | None:
    """The unit sent is the item table's UCUM unit (SPEC §9.5).

    A quantity (PQ) must carry its table unit (the CDA's value/@unit); for any other item a unit, when sent, is
    refused where the table has none.
    """
    sent, table = observation.unit or "", definition.unit
    if definition.value_type == "PQ" and table:
        if _units_agree(sent, table):
            return None
    elif not sent or _units_agree(sent, table):
        return None
    return finding(
        f"items[{definition.code}]",
        UNIT_MISMATCH,
        sent,
        message(
            _("%(item)s の単位 '%(sent)s' は項目表の単位 '%(allowed)s' ではありません (値 %(value)s, SPEC §9.5)。"),
            item=_label(definition),
            sent=sent,
            allowed=table or NOTHING_ALLOWED,
            value=observation.value or "",
        ),
    )


def check_method_code(observation: Observation, definition: ItemDef) -> RecordError | None:
    """The 検査方法コード sent is one the item table lists for that item (SPEC §9.5)."""
    sent = observation.method_code
    if not sent:
        return None
    allowed = allowed_method_codes(definition)
    if sent in allowed:
        return None
    return finding(
        f"items[{definition.code}]",
        UNKNOWN_METHOD_CODE,
        sent,
        message(
            _("%(item)s の検査方法コード '%(sent)s' は項目表にありません (使えるコード: %(allowed)s, SPEC §9.5)。"),
            item=_label(definition),
            sent=sent,
            allowed=", ".join(sorted(allowed)) or NOTHING_ALLOWED,
        ),
    )
