"""infra.i18n renders one gettext message in both languages (the API's error envelope needs both)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from guidance.codes import ProgrammeLevel, code_name
from infra.i18n import BilingualView, MessageTable, bilingual, in_language, message


def test_a_catalogue_string_renders_in_both_languages() -> None:
    assert bilingual(_("保険者")) == ("保険者", "Insurer")


def test_values_are_formatted_in_each_language_from_one_template() -> None:
    text = message(_("%(n)s 件を却下しました。"), n=3)
    assert bilingual(text) == ("3 件を却下しました。", "Rejected 3 record(s).")


def test_lazy_values_render_in_the_same_language() -> None:
    text = message(_("回答コード %(code)s(選択肢にない値)"), code=_("保険者"))
    assert bilingual(text) == ("回答コード 保険者(選択肢にない値)", "answer code Insurer (not in the answer set)")


def test_rendering_does_not_change_the_active_language() -> None:
    with override("ja"):
        in_language(_("保険者"), "en")
        assert str(_("保険者")) == "保険者"


def test_a_language_pure_lazy_value_renders_in_each_language() -> None:
    text = message(_("対象外: %(cause)s"), cause=code_name(ProgrammeLevel.INTENSIVE, "intensive"))
    assert bilingual(text) == ("対象外: 積極的支援", "Excluded (SPEC §5.6): intensive")


def test_other_languages_render_under_override() -> None:
    assert in_language(_("保険者"), "fr") == "保険者"  # no French catalogue: the source text


def test_a_message_table_is_read_rendered_once_per_language() -> None:
    table = MessageTable({1: _("はい"), 2: _("いいえ")})
    assert table[1] is not None and len(table) == 2 and list(table) == [1, 2]
    assert table.rendered("ja") == {1: "はい", 2: "いいえ"}
    assert table.rendered("en") == {1: "Yes", 2: "No"}
    assert table.rendered("en") is table.rendered("en")  # built once
    assert BilingualView(table)[2] == ("いいえ", "No") and dict(BilingualView(table)) == {
        1: ("はい", "Yes"),
        2: ("いいえ", "No"),
    }


def test_a_staff_page_shows_a_finding_in_its_language_without_the_spec_section() -> None:
    from django.utils import translation

    from infra.i18n import in_page_language

    finding = {
        "message_ja": "9N736000000000011 (喫煙) の回答 '7' は回答範囲 (1:はい、2:いいえ) にありません (SPEC §4.4)。",
        "message_en": "Smoking: answer '7' is not in the allowed set (value 7, SPEC §4.4, §9.5).",
    }
    with translation.override("ja"):
        assert in_page_language(finding) == "喫煙 の回答 '7' は回答範囲 (1:はい、2:いいえ) にありません。"
    with translation.override("en"):
        assert in_page_language(finding) == "Smoking: answer '7' is not in the allowed set (value 7)."
    with translation.override("ja"):
        assert in_page_language({"reason_ja": "照合待ち"}, "reason") == "照合待ち"
