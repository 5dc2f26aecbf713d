import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checkups.mhlw.cda import parse_cda, write_cda
from checkups.mhlw.document import CheckupDocument, Observation
from checkups.mhlw.errors import CdaError
from checkups.mhlw.safe_xml import validate_against_xsd
from tests.checkups.mhlw_samples import SAMPLE_CDA


@pytest.fixture
def sample() -> CheckupDocument:
    return parse_cda(SAMPLE_CDA)


def test_header_is_read(sample: CheckupDocument) -> None:
    assert sample.insurer_number == "06999999"
    assert (sample.card_symbol, sample.card_number, sample.card_branch) == ("ＡＢ１２", "1234567", "01")
    assert (sample.sex, sample.birth_date, sample.exam_date) == (1, dt.date(1970, 1, 1), dt.date(2026, 3, 15))
    assert (sample.program, sample.ticket_number, sample.ticket_expiry) == ("010", "26000000001", dt.date(2027, 3, 31))
    assert (sample.postal_code, sample.address) == ("100-0000", "東京都千代田区架空町１－１")
    assert sample.clinic_number == "9999999999"
    assert sample.period == 4


def test_body_conventions(sample: CheckupDocument) -> None:
    items = sample.items_dict()
    assert items["9N001000000000001"]["value"] == "170.2"
    assert items["9N001000000000001"]["unit"] == "cm"
    assert items["1A020000000191111"]["type"] == "CO"
    assert sample.observation("9N736000000000011").code_system == "1.2.392.200119.6.24060"
    assert items["9N511000000000049"]["author"] == "架空医師"
    assert items["3C015161602399911"]["group"] == "3C015161002399949"
    assert items["3C015161602399911"]["relation"] == "RSON"
    assert items["8A065000002391901"]["relation"] == "COMP"
    assert items["3C020000002327101"]["section"] == "01990"
    # missing code/@codeSystem means the 特定健診項目コード system (SPEC §9.2)
    assert all(o.item_code_system == "1.2.392.200119.6.1005" for o in sample.observations)


def test_round_trip_validates_and_keeps_every_value(sample: CheckupDocument) -> None:
    written = write_cda(sample)
    assert validate_against_xsd(written, "hc") == []
    again = parse_cda(written)
    assert again.items_dict() == sample.items_dict()
    assert again.to_json() == sample.to_json()
    assert b'codeSystem="1.2.392.200119.6.1005"' not in written


def test_json_round_trip(sample: CheckupDocument) -> None:
    assert CheckupDocument.from_json(sample.to_json()) == sample


@pytest.mark.parametrize(
    ("extra", "check"),
    [
        (Observation(code="9N016160100000001", value_type="PQ", negated=True), lambda o: o.negated and o.value is None),
        (
            Observation(code="9N001000000000001", value_type="PQ", null_flavor="NI"),
            lambda o: o.null_flavor == "NI" and o.value is None,
        ),
        (
            Observation(code="3F015000002327101", value_type="PQ", value="99999", unit="mg/dL", out_of_range="H"),
            lambda o: o.out_of_range == "H" and o.value == "99999",
        ),
        (
            Observation(code="3F070000002327101", value_type="PQ", unit="mg/dL", out_of_range="L"),
            lambda o: o.out_of_range == "L" and o.value is None,
        ),
    ],
)
def test_not_performed_and_out_of_range_conventions_round_trip(extra: Observation, check) -> None:
    document = CheckupDocument(
        insurer_number="06999999",
        name_kana="テスト",
        sex=2,
        birth_date=dt.date(1980, 5, 5),
        clinic_number="9999999999",
        exam_date=dt.date(2025, 6, 1),
        observations=[extra],
    )
    written = write_cda(document)
    assert validate_against_xsd(written, "hc") == []
    assert check(parse_cda(written).observations[0])


def test_third_period_exam_date_gives_period_3() -> None:
    older = SAMPLE_CDA.replace(b'<effectiveTime value="20260315"/>', b'<effectiveTime value="20230315"/>')
    assert parse_cda(older).period == 3
    assert parse_cda(older, period=4).period == 4


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"<foo/>", "ClinicalDocument"),
        (SAMPLE_CDA.replace(b'root="1.2.392.200119.6.101"', b'root="9.9"'), "Insurer number"),
        (SAMPLE_CDA.replace(b'<effectiveTime value="20260315"/>', b""), "effectiveTime"),
        (SAMPLE_CDA.replace(b'<birthTime value="19700101"/>', b'<birthTime value="1970-01-01"/>'), "YYYYMMDD"),
        (SAMPLE_CDA[:500], "Malformed"),
    ],
)
def test_structural_problems_raise_cda_error(data: bytes, fragment: str) -> None:
    with pytest.raises(CdaError) as caught:
        parse_cda(data, schema=None)  # the parser's own checks (the XSD check: test_intake_file_checks)
    assert fragment in caught.value.message_en
    assert caught.value.message_ja


@given(
    value=st.decimals(min_value=0, max_value=999, places=1, allow_nan=False),
    answer=st.sampled_from(["1", "2", "3"]),
    text=st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=40),
)
def test_written_values_read_back_unchanged(value, answer: str, text: str) -> None:
    observations = [
        Observation(code="9N001000000000001", value_type="PQ", value=str(value), unit="cm"),
        Observation(code="9N736000000000011", value_type="CD", value=answer, code_system="1.2.392.200119.6.24060"),
        Observation(code="9N511000000000049", value_type="ST", value=text.strip(), author_name="医師"),
    ]
    document = CheckupDocument(
        insurer_number="06999999",
        sex=1,
        birth_date=dt.date(1960, 1, 1),
        exam_date=dt.date(2025, 1, 1),
        clinic_number="9999999999",
        observations=observations,
    )
    assert parse_cda(write_cda(document)).items_dict() == document.items_dict()
