"""The receipt document and its layout by display width (app.domain.receipt), and printer
address strings (app.domain.printer_address)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.errors import ValidationError
from app.domain.messages import set_language
from app.domain.printer_address import parse_printer_address
from app.domain.receipt import (
    Columns,
    Cut,
    Logo,
    Qr,
    Receipt,
    Rule,
    Text,
    char_width,
    columns_for_width,
    display_width,
    fit,
    layout,
    receipt_text,
    render_text,
    truncate,
    two_columns,
    wrap,
)


def test_display_width_counts_hanzi_as_two_columns() -> None:
    assert display_width("会员") == 4
    assert display_width("VIP 123") == 7
    assert display_width("合计 Total 3件") == 14
    assert display_width("￥12.50") == 7
    assert display_width("ｈｉ") == 4  # full-width Latin
    assert char_width("\u0301") == 0  # a combining accent adds no column
    assert display_width("ｶﾀｶﾅ") == 4  # half-width katakana: one column each
    assert receipt_text("¥12.50\t\x07ok") == "￥12.50 ok"  # ¥ printed full width everywhere


def test_fit_truncate_and_wrap_work_in_columns() -> None:
    assert truncate("汉字abc", 3) == "汉"
    assert fit("汉字", 5) == "汉字 "
    assert fit("汉字", 6, "right") == "  汉字"
    assert fit("汉", 5, "center") == " 汉  "
    assert fit("汉字汉字", 5) == "汉字 "  # a hanzi never half-printed
    assert wrap("会员收银台会员收银台", 8) == ["会员收银", "台会员收", "银台"]
    assert wrap("thank you for shopping", 10) == ["thank you", "for", "shopping"]
    assert two_columns("合计 Total 3件", "￥1,234.50", 32) == [
        "合计 Total 3件" + " " * 8 + "￥1,234.50"
    ]
    long_id = "01a2137f-e92a-720f-afb3-72a1c12a5321"
    assert two_columns("单号", long_id, 32) == ["单号", long_id[:32], long_id[32:]]
    assert columns_for_width(58) == 32 and columns_for_width(80) == 48
    with pytest.raises(ValidationError) as exc:
        columns_for_width(76)
    assert exc.value.code == "paper_width_invalid"


CHARS = st.sampled_from(list("会员收银台积分余额ABCxyz0123456789 .,:-¥￥（）·×"))


@given(st.text(CHARS, max_size=40), st.integers(1, 48))
def test_fit_always_fills_exactly_the_width(text: str, width: int) -> None:
    fitted = fit(receipt_text(text), width)
    assert display_width(fitted) == width


@given(
    st.text(CHARS, min_size=1, max_size=30), st.text(CHARS, max_size=30), st.sampled_from([32, 48])
)
def test_two_columns_never_overflow_and_fill_when_they_fit(
    left: str, right: str, width: int
) -> None:
    left, right = receipt_text(left), receipt_text(right)
    lines = two_columns(left, right, width)
    assert all(display_width(line) <= width for line in lines)
    if display_width(left) + 1 + display_width(right) <= width:
        assert lines == [left + " " * (width - display_width(left) - display_width(right)) + right]


@given(st.text(CHARS, max_size=60), st.integers(1, 48))
def test_wrap_keeps_every_character_and_fits_the_width(text: str, width: int) -> None:
    text = receipt_text(text)
    lines = wrap(text, width)
    assert all(display_width(line) <= max(width, 2) for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


DOC = Receipt(
    (
        Logo(),
        Text("测试门店", align="center", bold=True, double_width=True, double_height=True),
        Text("地址:上海市黄浦区南京东路100号 Nanjing East Road", align="center"),
        Rule(),
        Columns("消费金额", "¥123.45"),
        Columns("会员 VIP 张San", "积分 1280", bold=True),
        Rule("="),
        Qr("MC1.S.886000000010.ABCDEFGHIJKLMNOP"),
        Text("谢谢惠顾", align="right"),
        Cut(),
    ),
    kind="checkout",
    open_drawer=True,
    meta={"txn_id": "T1"},
)


@pytest.mark.parametrize("columns", [32, 48])
def test_the_preview_fits_the_paper(columns: int) -> None:
    lines = render_text(DOC, columns)
    assert all(display_width(line) <= columns for line in lines)
    assert lines[0].strip() == "[LOGO]"
    assert lines[1].strip() == "测试门店"
    assert "-" * columns in lines and "=" * columns in lines
    assert any(line.endswith("￥123.45") and display_width(line) == columns for line in lines)
    assert any("[二维码]" in line for line in lines)
    assert lines[-1].endswith("谢谢惠顾") and display_width(lines[-1]) == columns
    # The double-width store name is laid out on half the columns, as the printer prints it.
    name = next(x for x in layout(DOC, columns) if getattr(x, "double_width", False))
    assert display_width(name.text) <= columns // 2  # type: ignore[union-attr]


def test_a_document_survives_json() -> None:
    data = json.loads(json.dumps(DOC.to_dict(), ensure_ascii=False))
    assert Receipt.from_dict(data) == DOC


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("usb:0416:5011", "usb", "usb:0416:5011"),
        ("USB:0x04b8:0x0202", "usb", "usb:04b8:0202"),
        ("serial:/dev/ttyUSB0?baudrate=9600", "serial", "serial:/dev/ttyUSB0?baudrate=9600"),
        ("serial:COM3", "serial", "serial:COM3"),
        ("serial:loop://", "serial", "serial:loop://"),
        ("tcp:192.168.1.100:9100", "tcp", "tcp:192.168.1.100:9100"),
        ("tcp:printer.local", "tcp", "tcp:printer.local:9100"),
        ("tcp:[::1]:9101", "tcp", "tcp:::1:9101"),
        ("win:XP-80C 打印机", "win", "win:XP-80C 打印机"),
        ("file:/tmp/out.bin", "file", "file:/tmp/out.bin"),
    ],
)
def test_printer_addresses(text: str, kind: str, expected: str) -> None:
    address = parse_printer_address(text)
    assert address.kind == kind
    assert str(address) == expected


def test_serial_options_are_typed() -> None:
    a = parse_printer_address("serial:/dev/ttyS0?baudrate=19200&rtscts=1&parity=e")
    assert a.options == {"baudrate": 19200, "rtscts": True, "parity": "E"}


@pytest.mark.parametrize(
    "text",
    [
        "", "printer", "lpt:1", "usb:", "usb:0416", "usb:zz:01", "usb:0:0", "tcp:",
        "tcp:host:0", "tcp:host:99999", "tcp:bad host:9100", "serial:",
        "serial:/dev/ttyS0?baudrate=fast", "serial:/dev/ttyS0?colour=red", "win:", "file:",
    ],
)  # fmt: skip
def test_bad_printer_addresses_are_refused_with_a_message(text: str) -> None:
    with pytest.raises(ValidationError) as exc:
        parse_printer_address(text)
    assert exc.value.code == "printer_address_invalid"
    assert "打印机地址不正确" in exc.value.message
    set_language("en")
    assert exc.value.message.startswith("Not a printer address")
