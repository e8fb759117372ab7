"""Control characters are refused in every text field the counter stores (app.domain.text)."""

from __future__ import annotations

import pytest

from app.domain.errors import ValidationError
from app.domain.messages import set_language
from app.domain.text import check_text, refused_chars
from app.services.importing import import_members
from app.services.points import adjust_points
from app.services.profile import update_profile
from app.services.settings import (
    DisplaySettings,
    ReceiptTemplate,
    set_display_settings,
    set_receipt_template,
)
from app.services.staff import add_staff
from tests.helpers import refused

BAD = ["\x00", "\x01", "\x1b", "\x7f", "\x85", "\x9f", "\ud800"]


@pytest.mark.parametrize("char", BAD)
def test_the_check_refuses_c0_c1_del_and_lone_surrogates(char: str) -> None:
    with pytest.raises(ValidationError) as exc:
        check_text(f"上海{char}路", "address")
    assert exc.value.code == "text_control_chars"
    assert f"U+{ord(char):04X}" in exc.value.message
    assert "地址" in exc.value.message


def test_tab_and_newline_only_where_a_field_takes_several_lines() -> None:
    assert refused_chars("a\tb\nc") == ["U+0009", "U+000A"]
    assert refused_chars("a\tb\nc", multiline=True) == []
    assert refused_chars("a\rb", multiline=True) == ["U+000D"]
    assert check_text("王府井大街 1 号 ·「甲」", "address") == "王府井大街 1 号 ·「甲」"
    set_language("en")
    with pytest.raises(ValidationError) as exc:
        check_text("x\x00", "name")
    assert exc.value.message.startswith("The name contains control characters")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("address", "南京路\x00100号"),
        ("email", "a\x00@example.cn"),
        ("source", "wechat\x1b"),
        ("name", "张\x00三"),
        ("address", "南京路\t100号"),
    ],
)
def test_registration_refuses_control_characters(register, snapshot, field, value) -> None:
    more = {"name": "张三", field: value}
    code = "name_invalid" if field == "name" else "text_control_chars"
    refused(snapshot, code, register, **more)


def test_profile_staff_reasons_and_receipt_text_refuse_them(
    ctx, register, admin, manager, cashier, approval, snapshot
) -> None:
    member = register(name="李四", phone="13900000001")
    refused(snapshot, "text_control_chars", update_profile, ctx, cashier, member.card_no,
            address="a\x07b")  # fmt: skip
    refused(snapshot, "text_control_chars", add_staff, ctx, admin, staff_no="c09",
            name="新\x00人", role="cashier", pin="2580")  # fmt: skip
    refused(snapshot, "text_control_chars", adjust_points, ctx, manager, member.card_no, 10,
            "补\x00偿", approval)  # fmt: skip
    refused(snapshot, "text_control_chars", set_receipt_template, ctx, manager,
            ReceiptTemplate(footer_lines=("谢谢\x1b[2J",)))  # fmt: skip
    refused(snapshot, "text_control_chars", set_display_settings, ctx, manager,
            DisplaySettings(address="/dev/ttyS0\x00", enabled=True))  # fmt: skip


def test_an_imported_row_with_a_control_character_is_an_error(ctx, manager, tmp_path) -> None:
    path = tmp_path / "old.csv"
    path.write_text(
        "姓名,手机号,地址\n张三,13900000002,南京路\x85一号\n李四,13900000003,淮海路\n",
        encoding="utf-8",
    )
    report = import_members(ctx, manager, path, dry_run=True)
    rows = {r.line: r for r in report.rows}
    assert rows[2].action == "error" and rows[2].code == "text_control_chars"
    assert rows[3].action == "create"
