import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from members.models import Enrollment, InsuredPerson, PersonChange, RosterImport
from members.roster import ROSTER_COLUMNS, RosterRejected, decode_roster, parse_roster, roster_apply, roster_prepare
from tests.factories import EmployerFactory, InsurerFactory

HEADER = ",".join(ROSTER_COLUMNS)
TODAY = dt.date(2026, 11, 26)


def csv_text(*rows: str) -> str:
    return "\n".join([HEADER, *rows]) + "\n"


ROW_TARO = "06999999,10,123,00,ケンシンタロウ,1,1970-01-01,self,E001,2000-04-01,"
ROW_HANAKO = "06999999,10,123,01,ケンシンハナコ,2,19720202,family,E001,20000401,"


@pytest.fixture
def insurer(db):
    insurer = InsurerFactory(number="06999999")
    EmployerFactory(insurer=insurer, code="E001")
    return insurer


def import_text(insurer, text: str, encoding: str = "utf-8"):
    record, plan = roster_prepare(data=text.encode(encoding), file_name="roster.csv", insurer=insurer, today=TODAY)
    if plan is None:
        raise RosterRejected([])
    return roster_apply(plan=plan, insurer=insurer, roster_import=record), plan


def test_shift_jis_file_is_detected_and_imported(insurer) -> None:
    data = csv_text(ROW_TARO, ROW_HANAKO).encode("cp932")
    assert decode_roster(data)[1] == "cp932"
    record, plan = roster_prepare(data=data, file_name="r.csv", insurer=insurer, today=TODAY)
    assert plan is not None
    roster_apply(plan=plan, insurer=insurer, roster_import=record)
    assert record.encoding == "cp932"
    assert set(InsuredPerson.objects.values_list("name_kana", flat=True)) == {"ケンシンタロウ", "ケンシンハナコ"}


def test_utf8_with_bom_is_detected(insurer) -> None:
    assert decode_roster(("\ufeff" + csv_text(ROW_TARO)).encode("utf-8"))[1] == "utf-8"


def test_full_width_and_half_width_symbols_name_the_same_card(insurer) -> None:
    import_text(insurer, csv_text("06999999,ＡＢ　１２,１２３,００,ｹﾝｼﾝﾀﾛｳ,1,1970-01-01,self,E001,2000-04-01,"))
    person = InsuredPerson.objects.get()
    assert (person.card_symbol, person.card_number, person.card_branch) == ("AB12", "123", "00")
    assert person.name_kana == "ケンシンタロウ"
    # The same card written half-width is the same person: nothing new is created.
    _, plan = import_text(insurer, csv_text("06999999,AB 12,123,00,ケンシンタロウ,1,1970-01-01,self,E001,2000-04-01,"))
    assert plan.is_noop
    assert InsuredPerson.objects.count() == 1


def test_duplicate_row_rejects_the_file(insurer) -> None:
    with pytest.raises(RosterRejected) as exc:
        parse_roster(csv_text(ROW_TARO, ROW_TARO), insurer_number="06999999", today=TODAY)
    [error] = exc.value.errors
    assert (error.line, error.column) == (3, "card_number")
    assert "2行目" in error.message_ja and "duplicate of line 2" in error.message_en


@pytest.mark.parametrize(
    ("row", "column", "value"),
    [
        ("06999999,10,123,00,ケンシンタロウ,1,1970-13-01,self,E001,2000-04-01,", "birth_date", "1970-13-01"),
        ("06999999,10,123,00,ケンシンタロウ,1,1970/01/01,self,E001,2000-04-01,", "birth_date", "1970/01/01"),
        ("06999999,10,123,00,ケンシンタロウ,1,1970-01-01,spouse,E001,2000-04-01,", "relationship", "spouse"),
        ("06999999,10,123,00,ケンシンタロウ,3,1970-01-01,self,E001,2000-04-01,", "sex", "3"),
        ("06999999,10,123,0A,ケンシンタロウ,1,1970-01-01,self,E001,2000-04-01,", "card_branch", "0A"),
        ("06999999,10,123,00,健診太郎,1,1970-01-01,self,E001,2000-04-01,", "name_kana", "健診太郎"),
        ("06888888,10,123,00,ケンシンタロウ,1,1970-01-01,self,E001,2000-04-01,", "insurer_number", "06888888"),
        ("06999999,10,123,00,ケンシンタロウ,1,1970-01-01,self,E001,2000-04-01,1999-01-01", "lost_on", "1999-01-01"),
    ],
)
def test_bad_value_is_reported_with_line_column_value_and_reason(row: str, column: str, value: str) -> None:
    with pytest.raises(RosterRejected) as exc:
        parse_roster(csv_text(ROW_HANAKO, row), insurer_number="06999999", today=TODAY)
    [error] = exc.value.errors
    assert (error.line, error.column, error.value) == (3, column, value)
    assert error.message_ja and error.message_en


def test_reimport_of_the_same_file_changes_nothing(insurer) -> None:
    text = csv_text(ROW_TARO, ROW_HANAKO)
    import_text(insurer, text)
    before = list(InsuredPerson.objects.order_by("pk").values())
    record, plan = import_text(insurer, text)
    assert plan.is_noop
    assert (record.created_count, record.updated_count, record.unchanged_count) == (0, 0, 2)
    assert list(InsuredPerson.objects.order_by("pk").values()) == before
    assert Enrollment.objects.count() == 2
    assert PersonChange.objects.count() == 0


def test_changed_row_updates_the_person_and_keeps_history(insurer) -> None:
    import_text(insurer, csv_text(ROW_TARO))
    import_text(insurer, csv_text(ROW_TARO.replace("ケンシンタロウ", "ケンシンジロウ").rstrip(",") + ",2026-10-01"))
    person = InsuredPerson.objects.get()
    assert person.name_kana == "ケンシンジロウ"
    assert person.enrollments.get().lost_on == dt.date(2026, 10, 1)
    changes = [c.changes for c in PersonChange.objects.order_by("pk")]
    assert {"name_kana": ["ケンシンタロウ", "ケンシンジロウ"]} in changes
    assert {"lost_on": [None, "2026-10-01"]} in changes


def test_second_enrollment_period_is_a_second_row_not_a_duplicate(insurer) -> None:
    rejoined = "06999999,10,123,00,ケンシンタロウ,1,1970-01-01,self,E001,2010-04-01,"
    import_text(insurer, csv_text(ROW_TARO.rstrip(",") + ",2005-03-31", rejoined))
    assert InsuredPerson.objects.count() == 1
    assert Enrollment.objects.count() == 2


def test_mid_file_error_leaves_the_database_unchanged(insurer, capsys, tmp_path) -> None:
    import_text(insurer, csv_text(ROW_TARO))
    before = (list(InsuredPerson.objects.values()), list(Enrollment.objects.values()), RosterImport.objects.count())
    rows = [f"06999999,10,{9000 + i},00,ケンシンタロウ,1,1970-01-01,self,E001,2000-04-01," for i in range(50)]
    rows[25] = rows[25].replace("1970-01-01", "19700231")  # Feb 31st halfway through the file
    rows[40] = rows[40].replace(",self,", ",boss,")
    path = tmp_path / "roster.csv"
    path.write_text(csv_text(ROW_TARO.replace("タロウ", "サブロウ"), *rows), encoding="cp932")
    with pytest.raises(CommandError):
        call_command("import_roster", str(path), "--insurer", "06999999")
    err = capsys.readouterr().err
    assert "line 28, column birth_date, value '19700231'" in err
    assert "line 43, column relationship, value 'boss'" in err
    after = (list(InsuredPerson.objects.values()), list(Enrollment.objects.values()), RosterImport.objects.count())
    assert after == before


def test_command_imports_and_reports_counts(insurer, capsys, tmp_path) -> None:
    path = tmp_path / "roster.csv"
    path.write_text(csv_text(ROW_TARO, ROW_HANAKO), encoding="utf-8")
    call_command("import_roster", str(path), "--insurer", "06999999")
    assert "2 new" in capsys.readouterr().out
    call_command("import_roster", str(path), "--insurer", "06999999")
    assert "0 new, 0 updated, 2 unchanged" in capsys.readouterr().out


def test_command_refuses_an_unknown_insurer(db, tmp_path) -> None:
    path = tmp_path / "roster.csv"
    path.write_text(csv_text(ROW_TARO), encoding="utf-8")
    with pytest.raises(CommandError, match="unknown insurer"):
        call_command("import_roster", str(path), "--insurer", "01234567")
