"""Receipts as printers get them: exact bytes through escpos Dummy, for every receipt kind at
both paper widths and in every encoding, checked against golden files and for alignment."""

from __future__ import annotations

import re
import unicodedata
from itertools import combinations

import pytest
from opencc import OpenCC

from app.domain.receipt import (
    Columns,
    Line,
    Logo,
    Qr,
    Receipt,
    Rule,
    Text,
    columns_for_width,
    display_width,
    layout,
)
from app.services.receipts import RECEIPT_KINDS, report_receipt
from devices.encoding import (
    CODECS,
    ENCODINGS,
    FS_ENCODING_LEGACY,
    FS_ENCODING_UTF8,
    FS_KANJI_ON,
    encode_text,
)
from devices.escpos_printer import RenderOptions, render_document, render_test_page
from tests.devices.conftest import GOLDEN, Receipts
from tests.devices.golden_files import mismatch

WIDTHS = (58, 80)
ESC_INIT = b"\x1b@"
DRAWER_KICK = b"\x1bp\x00\x32\x32"
FULL_CUT = b"\x1dV\x00"
NATIVE_QR = b"\x1d(k"
RASTER = b"\x1dv0"
DOUBLE_SIZE = b"\x1d!\x11"
STYLE = re.compile(rb"^(?:\x1bE[\x00\x01]|\x1d![\x00-\xff])+")
# Commands that may stand before the text of a line: init, drawer kick, Chinese mode, encoding
# system, bold, size, alignment.
COMMANDS = re.compile(
    rb"\x1b@|\x1bp\x00..|\x1c&|\x1c\.|\x1c\(C\x02\x00\x30[\x01\x02]|\x1bE[\x00\x01]"
    rb"|\x1d!.|\x1ba[\x00-\x02]",
    re.S,
)
CONTROL = re.compile(rb"[\x00-\x1f\x7f]")


def text_lines(data: bytes) -> list[tuple[bytes, bool]]:
    """The text lines of a print job, each with whether it was sent in UTF-8 mode.

    The commands before a line's text are taken off (following the encoding system they
    select); lines of QR codes, images and cuts, and empty lines, are left out.
    """
    utf8 = False
    lines = []
    for segment in data.split(b"\n")[:-1]:
        pos = 0
        while (command := COMMANDS.match(segment, pos)) is not None:
            if command.group() == FS_ENCODING_UTF8:
                utf8 = True
            elif command.group() == FS_ENCODING_LEGACY:
                utf8 = False
            pos = command.end()
        text = segment[pos:]
        if text and not CONTROL.search(text):
            lines.append((text, utf8))
    return lines


def _tag(encoding: str) -> str:
    return encoding.lower().replace("-", "")


def printed_columns(line: bytes, encoding: str) -> int:
    """Columns a Chinese-mode printer uses for a line: 1 per ASCII byte, 2 per other character.

    Counted from the bytes alone (not with the layout code under test): in GB18030, GBK and
    Big5 every non-ASCII character here is two bytes printed two columns wide.
    """
    if encoding == "UTF-8":
        return sum(1 if ord(c) < 0x80 else 2 for c in line.decode("utf-8"))
    assert line.decode(CODECS[encoding])  # the bytes are valid in the printer's encoding
    return len(line)


MIXED = Receipt(
    (
        Columns("合计 Total 3件", "¥1,234.50"),
        Columns("会员 VIP 张San", "积分 1280"),
        Columns("现金Cash", "￥88.00"),
        Columns("本金 principal", "¥0.05"),
    )
)


def _body_lines(data: bytes, encoding: str) -> list[bytes]:
    prefix = ESC_INIT + FS_KANJI_ON + (FS_ENCODING_UTF8 if encoding == "UTF-8" else b"")
    assert data.startswith(prefix)
    body = data[len(prefix) :]
    # Bold (ESC E n) and size (GS ! n) changes come just before the text they apply to.
    return [STYLE.sub(b"", line) for line in body.split(b"\n")[:-1]]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("encoding", ENCODINGS)
def test_a_line_mixing_hanzi_latin_digits_and_yen_aligns_to_the_column(
    width: int, encoding: str
) -> None:
    data = render_document(MIXED, RenderOptions(encoding=encoding, width=width, cut=False))
    columns = columns_for_width(width)
    lines = _body_lines(data, encoding)
    assert len(lines) == 4
    for line in lines:
        assert printed_columns(line, encoding) == columns, line
    # The yen sign is the full-width one every encoding has (Big5's is at A2 44).
    yen = {"GB18030": b"\xa3\xa4", "GBK": b"\xa3\xa4", "Big5": b"\xa2\x44", "UTF-8": "￥".encode()}
    assert lines[0].endswith(yen[encoding] + b"1,234.50")
    assert lines[2].endswith(yen[encoding] + b"88.00")
    assert lines[0].startswith(encode_text("合计 Total 3", encoding))
    problem = mismatch(f"mixed_{width}_{_tag(encoding)}.bin", data)
    assert problem is None, problem


def default_mode_tail(encoding: str) -> bytes:
    """How every job ends: the cut, out of UTF-8 mode (if in it), ESC @."""
    return FULL_CUT + (FS_ENCODING_LEGACY if encoding == "UTF-8" else b"") + ESC_INIT


def test_every_receipt_kind_matches_its_golden_bytes(receipts: Receipts) -> None:
    problems = []
    for kind in RECEIPT_KINDS:
        doc = receipts.document(kind)
        for width in WIDTHS:
            for encoding in ENCODINGS:
                options = RenderOptions(encoding=encoding, width=width)
                data = render_document(doc, options, open_drawer=doc.open_drawer)
                assert data.endswith(default_mode_tail(encoding)), (kind, width, encoding)
                problem = mismatch(f"{kind}_{width}_{_tag(encoding)}.bin", data)
                if problem:
                    problems.append(problem)
    assert not problems, "\n".join(problems)


def test_receipt_columns_line_up_in_every_encoding(receipts: Receipts) -> None:
    """Every two-column line of every receipt fills the paper exactly, whatever the encoding."""
    for kind in RECEIPT_KINDS:
        doc = receipts.document(kind)
        for width in WIDTHS:
            columns = columns_for_width(width)
            two_column = Receipt(tuple(b for b in doc.blocks if isinstance(b, Columns)))
            for encoding in ENCODINGS:
                data = render_document(two_column, RenderOptions(encoding, width, cut=False))
                for line in _body_lines(data, encoding):
                    used = printed_columns(line, encoding)
                    assert used <= columns, (kind, width, encoding, line)
                    # A label and its value fill the line exactly, the value flush right; a
                    # transaction id too long for 58 mm paper wraps onto lines of its own.
                    if b" " in line.strip():
                        assert used == columns, (kind, width, encoding, line)


S2TW = OpenCC("s2tw")


def big5_text(simplified: str) -> str:
    """What a Big5 printer should print for ``simplified``: OpenCC's traditional text, the
    yen sign as Big5 has it (A2 44, read back as U+00A5), a same-width ？ for the rest."""
    out = []
    for c in S2TW.convert(simplified):
        c = {"￥": "¥"}.get(c, c)
        try:
            c.encode("big5")
        except UnicodeEncodeError:
            c = "?" if unicodedata.east_asian_width(c) == "H" else "？"
        out.append(c)
    return "".join(out)


def test_big5_receipts_print_the_traditional_text_opencc_makes(receipts: Receipts) -> None:
    for kind in RECEIPT_KINDS:
        doc = receipts.document(kind)
        for width in WIDTHS:
            golden = (GOLDEN / f"{kind}_{width}_big5.bin").read_bytes()
            printed = [text.decode("big5") for text, _ in text_lines(golden)]
            laid = layout(doc, columns_for_width(width))
            expected = [big5_text(i.text) for i in laid if isinstance(i, Line) and i.text]
            assert printed == expected, (kind, width)
            assert "？" not in "".join(printed), (kind, width)  # every character has its form
    checkout = "\n".join(
        t.decode("big5") for t, _ in text_lines((GOLDEN / "checkout_80_big5.bin").read_bytes())
    )
    assert "測試門店" in checkout and "儲值餘額" in checkout and "張三" in checkout


def test_big5_prints_traditional_chinese_and_same_width_placeholders() -> None:
    text = "东门旗舰店 储值余额 张三 合计"
    assert encode_text(text, "Big5").decode("big5") == "東門旗艦店 儲值餘額 張三 合計"
    # Not in Big5 even as traditional: a wide ？ for a wide character, ? for a narrow one.
    odd = "店𠀀ｱ号"
    assert encode_text(odd, "Big5") == "店".encode("big5") + "？".encode("big5") + b"?" + (
        "號".encode("big5")
    )
    assert len(encode_text(odd, "Big5")) == display_width(odd)  # the columns stay aligned
    assert encode_text(text, "GB18030") == text.encode("gb18030")  # only Big5 is converted


def test_what_a_receipt_prints(receipts: Receipts) -> None:
    options = RenderOptions(encoding="GB18030", width=80)
    checkout = receipts.document("checkout")
    data = render_document(checkout, options, open_drawer=checkout.open_drawer)
    assert data.startswith(ESC_INIT + DRAWER_KICK + FS_KANJI_ON)  # cash tender: drawer opens
    # The store name large (GS ! 0x11), centred on half as many double-width columns.
    assert DOUBLE_SIZE + b" " * 8 + "测试门店".encode("gb18030") + b"\n" in data
    assert b"138****8000" in data and b"13800138000" not in data
    assert "李收银(c01)".encode("gb18030") in data
    assert b"2026-03-15 10:10:00" in data  # Shanghai time of the checkout
    assert b"T-checkout" in data
    assert "1号收银台".encode("gb18030") in data
    assert "储值余额".encode("gb18030") in data and "积分余额".encode("gb18030") in data
    # Feed and cut (the default profile cuts), then back to the printer's defaults.
    assert data.endswith(b"\x1bd\x06" + FULL_CUT + ESC_INIT)

    reprint = receipts.document("checkout", reprint=True)
    again = render_document(reprint, options, open_drawer=reprint.open_drawer)
    assert "重打印".encode("gb18030") in again
    assert DRAWER_KICK not in again  # a reprint never opens the drawer
    assert "重打印".encode("gb18030") not in data

    assert not receipts.document("topup").open_drawer  # paid by WeChat
    assert receipts.document("card_cancel").open_drawer  # principal paid back in cash


def test_member_qr_is_native_where_the_printer_has_it_and_an_image_elsewhere(
    receipts: Receipts,
) -> None:
    doc = receipts.document("register")
    payload = next(b.payload for b in doc.blocks if isinstance(b, Qr))
    # The member's card was replaced since: the QR is the card that works now.
    assert payload.startswith("MC1.S.886000000028.")
    native = render_document(doc, RenderOptions(profile="TM-T88V"))
    assert NATIVE_QR in native and payload.encode() in native
    assert RASTER not in native
    # A 58 mm printer whose profile has no QR command and no cutter: a bit image, no cut.
    plain = render_document(doc, RenderOptions(width=58, profile="POS-5890"))
    assert NATIVE_QR not in plain and payload.encode() not in plain
    raster = re.search(rb"\x1dv0\x00(.)(.)(.)(.)", plain, re.S)
    assert raster is not None
    width_bytes = raster.group(1)[0] + 256 * raster.group(2)[0]
    assert width_bytes * 8 <= 384  # fits the 58 mm paper
    assert FULL_CUT not in plain


def test_every_kind_has_its_figures(receipts: Receipts) -> None:
    texts = {
        kind: "\n".join(
            f"{getattr(b, 'left', '')} {getattr(b, 'right', '')} {getattr(b, 'text', '')}"
            for b in receipts.document(kind).blocks
        )
        for kind in RECEIPT_KINDS
    }
    assert "会员开卡" in texts["register"] and "欢迎" in texts["register"]
    assert "充值金额 ¥1,000.00" in texts["topup"] and "赠送金额 ¥150.00" in texts["topup"]
    assert "微信 ¥1,000.00" in texts["topup"]
    assert "储值余额 ¥1,150.00" in texts["topup"]
    assert "应付 ¥123.45" in texts["checkout"] and "找零 ¥26.55" in texts["checkout"]
    assert "本次积分 +123" in texts["checkout"]
    assert "原单号 T-spend" in texts["refund"] and "退回储值 ¥200.00" in texts["refund"]
    assert "授权 王店长(m01)" in texts["refund"]
    assert "退回本金 ¥500.00" in texts["topup_refund"] and "退回支付宝" in texts["topup_refund"]
    assert "新卡号 886000000028" in texts["card_replace"]
    assert "原卡号 886000000010" in texts["card_replace"]
    assert "补卡工本费 ¥10.00" in texts["card_replace"]
    assert "退回本金 ¥200.00" in texts["card_cancel"]


def test_report_receipt_prints_like_a_receipt() -> None:
    doc = report_receipt(
        "交班报表",
        [("收银员", "李收银"), ("现金", "¥1,200.00"), None, "备注:无"],
        store_name="测试门店",
        printed_at="2026-03-15 18:00",
    )
    for width in WIDTHS:
        data = render_document(doc, RenderOptions(width=width))
        assert "交班报表".encode("gb18030") in data
        problem = mismatch(f"report_{width}_gb18030.bin", data)
        assert problem is None, problem


@pytest.mark.parametrize("width", WIDTHS)
def test_the_test_page_prints_a_line_in_every_encoding(width: int) -> None:
    data = render_test_page(RenderOptions(width=width))
    assert "中文测试 会员收银台 ￥12.50".encode("gb18030") in data
    assert "中文測試 會員收銀臺 ".encode("big5") + b"\xa2\x44" + b"12.50" in data
    assert "合計 Total 3件".encode("big5") in data  # not 合？: converted before encoding
    assert "中文测试 會員收銀 ￥12.50".encode() in data
    for encoding in ENCODINGS:
        assert f"[{encoding}]".encode() in data
    assert data.count(FS_KANJI_ON) >= len(ENCODINGS)
    assert NATIVE_QR in data and RASTER in data  # both kinds of QR, so the store can see
    problem = mismatch(f"testpage_{width}.bin", data)
    assert problem is None, problem


@pytest.mark.parametrize("width", WIDTHS)
def test_each_encodings_test_page_names_it_fits_the_paper_and_ends_in_default_mode(
    width: int,
) -> None:
    pages = {e: render_test_page(RenderOptions(encoding=e, width=width)) for e in ENCODINGS}
    for a, b in combinations(ENCODINGS, 2):
        assert pages[a] != pages[b], (a, b)
    names = {
        "GB18030": "本页编码 GB18030".encode("gb18030"),
        "GBK": "本页编码 GBK".encode("gbk"),
        "Big5": "本頁編碼 Big5".encode("big5"),
        "UTF-8": "本页编码 UTF-8".encode(),
    }
    columns = columns_for_width(width)
    for encoding, page in pages.items():
        mode = FS_KANJI_ON + (FS_ENCODING_UTF8 if encoding == "UTF-8" else b"")
        # The page's own lines come first, in its own encoding: it says which one it is.
        assert page.startswith(ESC_INIT + mode)
        lines = text_lines(page)
        assert any(names[encoding] == text for text, _ in lines[:4]), lines[:4]
        assert page.endswith(default_mode_tail(encoding))
        assert len(lines) >= 14, lines
        for text, utf8 in lines:
            used = printed_columns(text, "UTF-8") if utf8 else len(text)  # 2 bytes: 2 columns
            assert used <= columns, (encoding, width, text)
        assert any(f" {width}mm {columns}".encode() in text for text, _ in lines)


def test_an_unknown_profile_is_refused() -> None:
    from app.domain.errors import ValidationError

    with pytest.raises(ValidationError) as exc:
        render_document(Receipt((Text("x"), Rule())), RenderOptions(profile="NO-SUCH"))
    assert exc.value.code == "printer_profile_invalid"


def test_the_logo_prints_from_an_image_file_or_from_the_printer_memory(tmp_path) -> None:
    from PIL import Image, ImageDraw

    path = tmp_path / "logo.png"
    img = Image.new("L", (800, 100), 255)
    ImageDraw.Draw(img).rectangle((0, 0, 399, 99), fill=0)  # left half black
    img.save(path)
    doc = Receipt((Logo(), Text("店")))
    data = render_document(doc, RenderOptions(width=58, logo_path=str(path)))
    header = re.search(rb"\x1dv0\x00(.)(.)(.)(.)", data, re.S)
    assert header is not None
    width_bytes = header.group(1)[0] + 256 * header.group(2)[0]
    height = header.group(3)[0] + 256 * header.group(4)[0]
    # Scaled to 3/4 of the 384 dots of 58 mm paper (288 × 36), centred on whole bytes (48 dots).
    assert (width_bytes, height) == (42, 36)
    first_row = data[header.end() : header.end() + width_bytes]
    assert first_row == bytes(6) + b"\xff" * 18 + bytes(18)
    # No file: the logo stored in the printer (FS p 1 0), centred.
    stored = render_document(doc, RenderOptions(width=58))
    assert b"\x1ba\x01\x1cp\x01\x00\x1ba\x00" in stored
