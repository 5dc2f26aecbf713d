"""A 保健師 imports the roster (資格データ, SPEC §1.5) in real Chromium (issue #16): choose the file → the preview says
in words what will change (who by name, which field, from what to what) → 取り込む → the persons are stored. The
pages fit 1280 px and a 390 px phone."""

import pytest

from members.models import InsuredPerson
from members.roster import ROSTER_COLUMNS
from tests.factories import staff_user

from .conftest import look, staff_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _csv(world) -> bytes:
    known = world.person_a
    rows = [
        ",".join(ROSTER_COLUMNS),
        # the known person, with a new kana name; and a new person
        f"{world.insurer_a.number},{known.card_symbol},{known.card_number},{known.card_branch},ヤマダ ジロウ,"
        f"{known.sex},{known.birth_date.isoformat()},self,,2001-04-01,",
        f"{world.insurer_a.number},10,777,00,ヤマダ ハナコ,2,1980-05-05,self,,2001-04-01,",
    ]
    return ("\n".join(rows) + "\n").encode("cp932")


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_import_a_roster_preview_in_words_then_confirm(browser, live_server, world, size) -> None:
    nurse = staff_user(world.insurer_a, "nurse")
    page = staff_page(browser, live_server.url, nurse, size)
    page.goto(f"{live_server.url}/admin/members/rosterimport/upload/")
    look(page, "roster-upload", size)
    page.get_by_label("保険者").select_option(index=1)
    page.get_by_label("名簿CSV (UTF-8 / Shift_JIS)").set_input_files(
        {"name": "roster.csv", "mimeType": "text/csv", "buffer": _csv(world)}
    )
    with page.expect_navigation():
        page.get_by_role("button", name="確認する").click()
    content = page.locator("#content").inner_text()
    assert "新規の加入者: 1" in content and "変更のある加入者: 1" in content
    assert page.get_by_role("link", name=world.person_a.name_kana).is_visible()  # by name, linked to the person
    assert "氏名(カナ): テストタロウ → ヤマダジロウ" in content and "name_kana" not in content
    assert not InsuredPerson.objects.filter(card_number="777").exists()  # nothing before 取り込む
    look(page, "roster-preview", size)
    with page.expect_navigation():
        page.get_by_role("button", name="取り込む").click()
    assert "取り込みました: 新規 1 件, 更新 1 件" in page.locator(".messagelist").inner_text()
    assert InsuredPerson.objects.get(pk=world.person_a.pk).name_kana == "ヤマダジロウ"
    assert InsuredPerson.objects.get(card_number="777").insurer == world.insurer_a
