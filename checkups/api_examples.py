"""Documented request examples of the checkup API: complete, valid records (a test posts each one; issue #13)."""

from drf_spectacular.utils import OpenApiExample

# Every item the item table marks 必須 for program 010 (SPEC §9.4), one of each required group, and the
# questionnaire's medication and smoking answers. 採血時間 2 (fasting) goes with fasting TG and glucose.
CHECKUP_EXAMPLE = OpenApiExample(
    "特定健診 1件 (one complete 特定健診 record)",
    value={
        "insurer_number": "06999999",
        "card_symbol": "10",
        "card_number": "1234567",
        "card_branch": "01",
        "name_kana": "ケンシンタロウ",
        "sex": 1,
        "birth_date": "1970-01-01",
        "exam_date": "2026-04-15",
        "program": "010",
        "items": [
            {"code": "9N001000000000001", "value": 170.2},  # 身長 cm
            {"code": "9N006000000000001", "value": 72.4},  # 体重 kg
            {"code": "9N011000000000001", "value": 25.0},  # BMI
            {"code": "9N016160100000001", "value": 88.0, "method": "9N01610000"},  # 腹囲(実測) cm
            {"code": "9N056000000000011", "value": "2"},  # 既往歴
            {"code": "9N061000000000011", "value": "2"},  # 自覚症状
            {"code": "9N066000000000011", "value": "2"},  # 他覚症状
            {"code": "9A751000000000001", "value": 134},  # 収縮期血圧(1回目)
            {"code": "9A752000000000001", "value": 128},  # 収縮期血圧(2回目)
            {"code": "9A761000000000001", "value": 86},  # 拡張期血圧(1回目)
            {"code": "9A762000000000001", "value": 82},  # 拡張期血圧(2回目)
            {"code": "9N141000000000011", "value": "2"},  # 採血時間: 食後10時間以上
            {"code": "3F015000002327101", "value": 142},  # 空腹時中性脂肪
            {"code": "3F070000002327101", "value": 52},  # HDL
            {"code": "3F077000002327101", "value": 131},  # LDL
            {"code": "3B035000002327201", "value": 24},  # AST
            {"code": "3B045000002327201", "value": 28},  # ALT
            {"code": "3B090000002327101", "value": 45},  # γ-GT
            {"code": "3D010000001926101", "value": 104},  # 空腹時血糖
            {"code": "3D046000001906202", "value": 5.8},  # HbA1c (NGSP)
            {"code": "1A020000000191111", "value": "1"},  # 尿糖
            {"code": "1A010000000191111", "value": "1"},  # 尿蛋白
            {"code": "9N511000000000049", "value": "生活習慣の改善を要す"},  # 医師の判断
            {"code": "9N516000000000049", "value": "架空医師"},  # 医師の氏名 (carried as the author)
            {"code": "9N701000000000011", "value": "2"},  # 服薬1(血圧)
            {"code": "9N706000000000011", "value": "2"},  # 服薬2(血糖)
            {"code": "9N711000000000011", "value": "2"},  # 服薬3(脂質)
            {"code": "9N736000000000011", "value": "3"},  # 喫煙
        ],
    },
    request_only=True,
)
