"""Codes and OIDs of the 特定健診情報ファイル header and body (formats-notes §1.5–§1.6; SPEC §9.2)."""

import datetime as dt

NS = "urn:hl7-org:v3"
XSI = "http://www.w3.org/2001/XMLSchema-instance"

# OIDs of the header (formats-notes §1.5) and body (§1.6); SPEC §9.2.
OID_INSURER = "1.2.392.200119.6.101"
OID_CLINIC = "1.2.392.200119.6.102"
OID_CARD_SYMBOL = "1.2.392.200119.6.204"
OID_CARD_NUMBER = "1.2.392.200119.6.205"
OID_CARD_BRANCH = "1.2.392.200119.6.211"
OID_TICKET_PREFIX = "1.2.392.200119.6.209.1"  # + 保険者番号8桁
OID_TICKET_TYPE = "1.2.392.200119.6.208"
OID_REPORT_CATEGORY = "1.2.392.200119.6.1001"
OID_PROGRAM = "1.2.392.200119.6.1002"
OID_SEX = "1.2.392.200119.6.1104"
OID_SECTION = "1.2.392.200119.6.1010"
OID_METHOD = "1.2.392.200119.6.1007"
OID_OUT_OF_RANGE = "2.16.840.1.113883.5.83"  # 入力範囲外 L/H (formats-notes §1.6)
CDA_TYPE_ID_ROOT = "2.16.840.1.113883.1.3"
CDA_TYPE_ID_EXTENSION = "POCD_HD000040"
OUT_OF_RANGE_LABELS = {"L": "以下", "H": "以上"}
SECTION_NAMES = {"01010": "特定健診検査・問診セクション", "01990": "追加項目セクション"}
# ◆ A CDA carries no period marker (hc08 is unchanged, formats-notes §1.8): without an archive namespace the
# period follows the exam date, 4th period from FY2024 (SPEC §9.3).
FOURTH_PERIOD_START = dt.date(2024, 4, 1)
