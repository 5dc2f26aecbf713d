"""Required items and letter groups of a programme (SPEC §9.4), dependent items only where their parent applies."""

from django.utils.translation import gettext_lazy as _

from checkups.mhlw.findings import RecordError, finding
from checkups.mhlw.itemtable import ItemDef, item, required_groups, required_items
from checkups.mhlw.validation_rules import INSURER_COMPUTED_ITEMS
from infra.i18n import message

from .report import item_finding, item_label


def applicable(definition: ItemDef, present: set[str], values: dict[str, str | None], period: int) -> bool:
    """A dependent item (e.g. 具体的な既往歴) is required only when its parent shows the finding (既往歴 = 1)."""
    parent = item(definition.depends_on, period) if definition.depends_on else None
    if parent is None:
        return True
    return parent.code in present and (not parent.abnormal_value or values.get(parent.code) == parent.abnormal_value)


def missing_requirements(
    program: str, present: set[str], values: dict[str, str | None], period: int
) -> list[RecordError]:
    """Required items (1) and letter groups of a programme's column (SPEC §9.4)."""
    findings: list[RecordError] = []
    for definition in required_items(program):
        if definition.code in INSURER_COMPUTED_ITEMS:
            continue
        if definition.code in present or not applicable(definition, present, values, period):
            continue
        label = item_label(definition.code, definition)
        findings.append(
            item_finding(
                definition.code,
                "required_item_missing",
                None,
                message(
                    _("必須項目 %(label)s がありません (プログラム種別 %(program)s, SPEC §9.4)。"),
                    label=label,
                    program=program,
                ),
            )
        )
    for letter, codes in required_groups(program).items():
        if not present.isdisjoint(codes):  # a member is there: no need to ask whether the group applies
            continue
        if any(applicable(d, present, values, period) for c in codes if (d := item(c, period))):
            names = sorted({d.name for c in codes if (d := item(c, period))})
            joined = "・".join(names)
            findings.append(
                finding(
                    f"groups[{letter}]",
                    "required_group_missing",
                    None,
                    message(
                        _("グループ %(letter)s (%(joined)s) のいずれかが必要です (SPEC §9.4)。対象コード: %(codes)s"),
                        letter=letter,
                        joined=joined,
                        codes=", ".join(sorted(codes)),
                    ),
                )
            )
    return findings
