"""Read a 特定保健指導情報ファイル (g…xml, hg08) written as `guidance.mhlw.write` writes it (SPEC §9.6).

The header is read by the checkup file's reader (one implementation of the CDA header, formats-notes §1.5);
the body by the item codes of `guidance.mhlw.items`. Unknown item codes are ignored (a later version of the
table may add items); a contact whose kind, date or form cannot be read makes the file unusable (CdaError).
"""

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext_lazy as _
from lxml import etree

from checkups.mhlw.cda import parse_cda
from checkups.mhlw.cda_codes import NS, XSI
from checkups.mhlw.errors import CdaError
from guidance.behaviour import BehaviourChange
from guidance.codes import ContactForm
from guidance.mhlw.document import GUIDANCE_REPORT_CATEGORIES, GuidanceContactRecord, GuidanceDocument
from guidance.mhlw.items import BY_CODE, ITEMS, KIND_BY_CODE, PROGRAM_GUIDANCE
from infra.i18n import message

_V = "{" + NS + "}"
_XSI_TYPE = "{" + XSI + "}type"
_ENTRIES = etree.XPath(
    "v:component/v:structuredBody/v:component/v:section/v:entry", namespaces={"v": NS}, smart_strings=False
)
_FIELD_BY_SUFFIX = {
    "form": "form",
    "minutes": "minutes",
    "points": "points",
    "weight_kg": "weight_kg",
    "waist_cm": "waist_cm",
    "systolic_mmhg": "systolic_mmhg",
    "diastolic_mmhg": "diastolic_mmhg",
}


def _date(raw: str | None, where: str) -> dt.date | None:
    if not raw:
        return None
    try:
        return dt.datetime.strptime(raw[:8], "%Y%m%d").date()  # noqa: DTZ007 - a calendar day
    except ValueError as exc:
        raise CdaError.of(message(_("日付 %(raw)s を読めません"), raw=repr(raw)), where) from exc


def _value(observation: etree._Element, key: str) -> Any:
    """The observation's value as the table's type says (PQ → Decimal, INT → int, BL → bool, …)."""
    item = ITEMS[key]
    element = observation.find(_V + "value")
    where = f"observation[code={item.code}]/value"
    if element is None:
        return None
    try:
        match item.value_type:
            case "PQ":
                return Decimal(element.get("value", ""))
            case "INT":
                return int(element.get("value", ""))
            case "CD":
                return element.get("code", "")
            case "TS":
                return _date(element.get("value"), where)
            case "BL":
                return element.get("value") == "true"
            case _:
                return element.text or ""
    except (InvalidOperation, ValueError) as exc:
        text = message(_("%(name)s (%(code)s) の値を読めません"), name=item.name, code=item.code)
        raise CdaError.of(text, where) from exc


def _on(observation: etree._Element) -> dt.date | None:
    time = observation.find(_V + "effectiveTime")
    return _date(time.get("value") if time is not None else None, "observation/effectiveTime")


def _key(observation: etree._Element) -> str | None:
    code = observation.find(_V + "code")
    return BY_CODE.get(code.get("code", "")) if code is not None else None


def _contact(act: etree._Element, position: int) -> GuidanceContactRecord:
    where = f"/ClinicalDocument/component/structuredBody/component/section/entry[{position + 1}]/act"
    code = act.find(_V + "code")
    kind = KIND_BY_CODE.get(code.get("code", "") if code is not None else "")
    day = _on(act)
    if kind is None or day is None:
        raise CdaError.of(_("支援記録の実施内容(.18150)または実施日がありません"), where)
    fields: dict[str, Any] = {}
    changes: list[BehaviourChange] = []
    for relationship in act.iterchildren(_V + "entryRelationship"):
        observation = relationship.find(_V + "observation")
        key = _key(observation) if observation is not None else None
        if observation is None or key is None:
            continue
        group, _dot, suffix = key.partition(".")
        if group == "behaviour":
            changes.append(BehaviourChange(suffix, _on(observation)))
        elif group == "contact":
            fields[suffix] = _value(observation, key)
        elif suffix in _FIELD_BY_SUFFIX:
            fields[_FIELD_BY_SUFFIX[suffix]] = _value(observation, key)
    form = fields.pop("form", None)
    if form is None or not str(form).isdigit() or int(form) not in ContactForm.values:
        raise CdaError.of(message(_("支援形態(.24010) %(form)s を読めません"), form=repr(form)), where + "/form")
    minutes = fields.pop("minutes", None)
    return GuidanceContactRecord(
        kind=kind,
        form=ContactForm(int(form)),
        date=day,
        minutes=int(minutes) if minutes is not None else None,
        points=fields.pop("points", None),
        weight_kg=fields.pop("weight_kg", None),
        waist_cm=fields.pop("waist_cm", None),
        systolic_mmhg=fields.pop("systolic_mmhg", None),
        diastolic_mmhg=fields.pop("diastolic_mmhg", None),
        participants=fields.pop("participants", None),
        automated=bool(fields.pop("automated", False)),
        has_guidance_content=not fields.pop("no_guidance_content", False),
        measurements_self_declared=bool(fields.pop("self_declared", False)),
        behaviour_changes=tuple(changes),
    )


def parse_guidance_cda(data: bytes, root: etree._Element) -> GuidanceDocument:
    """`root` is the parsed document (the caller validated it against hg08); `data` the same bytes."""
    header = parse_cda(data, schema=None)  # the caller validated it against hg08_V08.xsd (SPEC §9.5)
    if header.report_category not in GUIDANCE_REPORT_CATEGORIES and header.program != PROGRAM_GUIDANCE:
        raise CdaError.of(
            message(
                _("特定保健指導情報ファイルではありません(報告区分 %(category)s)"), category=header.report_category
            ),
            "/ClinicalDocument/code",
        )
    assert header.exam_date is not None  # parse_cda refuses a file without one
    values: dict[str, Any] = {"goals": []}
    contacts: list[GuidanceContactRecord] = []
    for position, entry in enumerate(_ENTRIES(root)):
        act = entry.find(_V + "act")
        if act is not None:
            contacts.append(_contact(act, position))
            continue
        observation = entry.find(_V + "observation")
        key = _key(observation) if observation is not None else None
        if observation is None or key is None:
            continue
        if key == "plan_goal":
            values["goals"].append(_value(observation, key))
        elif key == "dropout_reason":
            values["dropout_reason"], values["dropped_out_on"] = _value(observation, key), _on(observation)
        elif key == "recheck":
            values["recheck_code"], values["recheck_on"] = int(_value(observation, key)), _on(observation)
        elif key == "medication_during":
            values["medication_during_on"] = _on(observation)
        else:
            values[key] = _value(observation, key)
    level = values.pop("level", None)
    if level is None or not str(level).isdigit():
        raise CdaError.of(_("保健指導区分(1020000001)がありません"), "/")
    values.pop("behaviour_plan", None)
    for key in ("planned_outcome", "early_interview", "outcome"):
        if values.get(key) is not None:
            values[key] = int(values[key])
    return GuidanceDocument(
        report_category=header.report_category,
        insurer_number=header.insurer_number,
        card_symbol=header.card_symbol,
        card_number=header.card_number,
        card_branch=header.card_branch,
        name_kana=header.name_kana,
        sex=header.sex,
        birth_date=header.birth_date,
        exam_date=header.exam_date,
        level=int(level),
        document_date=header.document_date or header.exam_date,
        author_number=header.author_org_number,
        author_name=header.author_org_name,
        provider_number=values.pop("provider_number", "") or "",
        provider_name=values.pop("provider_name", "") or "",
        goals=tuple(values.pop("goals")),
        contacts=contacts,
        **values,
    )
