"""The printer test page asks the printer to confirm it, as receipt jobs do, and says in plain
words whether it did: only a printer that answers its status confirms; one that takes the
page and closes, resets or says nothing is reported as not confirming (the page is no queued
job: nothing prints it again)."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app.domain.messages import render
from app.ports import PrinterError
from app.services.settings import PrinterSettings
from devices.escpos_printer import RenderOptions, render_test_page, send_test_page, unconfirmed
from tests.devices.printers import (
    ANSWER,
    CLOSE,
    OFFLINE,
    RESET,
    SILENT,
    PtyPrinter,
    ScriptedPrinter,
)
from tests.integration.test_cli import Cli

TIMEOUT = 0.5


@pytest.fixture
def scripted() -> Iterator[Callable[..., ScriptedPrinter]]:
    made: list[ScriptedPrinter] = []

    def make(*script: str) -> ScriptedPrinter:
        made.append(ScriptedPrinter(*script))
        return made[-1]

    yield make
    for p in made:
        p.close()


def test_a_printer_that_answers_confirms_the_test_page(scripted) -> None:
    printer = scripted(ANSWER)
    settings = PrinterSettings(address=printer.address, encoding="GBK", width=58)
    sent = send_test_page(settings, timeout=TIMEOUT)
    page = render_test_page(RenderOptions.of(settings))
    assert sent.confirmed and sent.bytes == len(page)
    assert sent.words == "打印机已确认打印了测试页"
    deadline = time.monotonic() + 5  # (the printer records the page once the line closes)
    while not printer.printed and time.monotonic() < deadline:
        time.sleep(0.01)
    assert printer.queries == 1 and printer.printed == [page]


@pytest.mark.parametrize("behaviour", [CLOSE, RESET, SILENT, OFFLINE])
def test_a_printer_that_does_not_confirm_is_reported_in_words(scripted, behaviour: str) -> None:
    printer = scripted(behaviour)
    with pytest.raises(PrinterError) as exc:
        send_test_page(PrinterSettings(address=printer.address), timeout=TIMEOUT)
    text = str(exc.value)
    assert text.startswith("打印机没有确认打印测试页:")
    assert text.endswith(
        "请看是否打出;若已打出,这台打印机可能不能应答状态,可关闭“等打印机确认已打印”"
    )
    assert "将重打" not in text  # a test page is printed again by nobody
    if behaviour == SILENT:
        assert render("printer_no_status", seconds="0.5") in text
    if behaviour == OFFLINE:
        assert render("printer_offline") in text


def test_a_printer_not_asked_says_so(scripted, tmp_path: Path) -> None:
    """Confirmation off, or a printer that cannot answer (a file, as a Windows queue): the
    page was sent, and the words say why it is not confirmed, never that it printed."""
    printer = scripted(SILENT)
    settings = PrinterSettings(address=printer.address, confirm_print=False)
    sent = send_test_page(settings, timeout=TIMEOUT)
    assert not sent.confirmed and printer.queries == 0
    assert sent.words == "测试页已送出,未确认是否打出(已关闭“等打印机确认已打印”)。请看纸上"
    out = tmp_path / "page.bin"  # a file cannot answer: sent, not confirmed
    sent = send_test_page(dataclasses.replace(settings, address=f"file:{out}", confirm_print=True))
    assert not sent.confirmed and out.read_bytes() == render_test_page(RenderOptions())
    assert sent.words == (
        "测试页已送出,但无法确认是否打出:Windows 打印机和文件不能回答打印机状态。请看纸上"
    )


def test_the_unconfirmed_words_in_english(tmp_path: Path) -> None:
    from app.domain.messages import set_language

    set_language("en")
    try:
        sent = send_test_page(PrinterSettings(address=f"file:{tmp_path / 'page.bin'}"))
        assert sent.words == (
            "The test page was sent, but it cannot be confirmed that it printed: a Windows "
            "printer or a file cannot answer the printer's status. Look at the paper"
        )
        assert unconfirmed("win:XP-80C", confirm=True) == (
            "Sent, cannot be confirmed: win:XP-80C cannot answer the printer's status (a "
            "Windows printer or a file); check that it printed"
        )
        assert unconfirmed("tcp:127.0.0.1:9100", confirm=False) == (
            "Sent, not confirmed: “Wait for the printer to confirm each receipt” is off; check "
            "that it printed"
        )
    finally:
        set_language("zh")
    assert unconfirmed("win:XP-80C", confirm=True) == (
        "已送出,无法确认:win:XP-80C 不能回答打印机状态(Windows 打印机或文件),请看是否打出"
    )


def test_a_serial_printer_confirms_the_test_page() -> None:
    printer = PtyPrinter()
    try:
        assert send_test_page(PrinterSettings(address=printer.address), timeout=TIMEOUT).confirmed
    finally:
        printer.close()


def test_the_command_says_whether_the_printer_confirmed(scripted, tmp_path: Path) -> None:
    c = Cli(tmp_path / "none")
    answering = scripted(ANSWER)
    data = c.ok("printer", "test", "--printer", answering.address)
    assert data["confirmed"] is True and data["result"] == "打印机已确认打印了测试页"
    silent = scripted(SILENT)
    data = c.ok("printer", "test", "--printer", silent.address, "--no-confirm")
    assert data["confirmed"] is False and silent.queries == 0
    closing = scripted(CLOSE)
    code, err, _ = c.run("printer", "test", "--printer", closing.address)
    assert code == 3 and err["code"] == "printer"
    assert err["error"].startswith("打印机没有确认打印测试页:")
