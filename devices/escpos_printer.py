"""Receipts on ESC/POS thermal printers, through python-escpos.

The document is laid out by :func:`app.domain.receipt.layout` (the same layout as the screen
preview), then turned into bytes on an escpos ``Dummy`` with the printer's profile — text
encoded raw after ``FS &`` in the printer's encoding, sizes with ``GS !``, bold with ``ESC E``,
QR codes native (``GS ( k``) where the profile has them and as a bit image elsewhere, the logo,
the cut where the printer has a cutter, the cash-drawer kick — and sent to the transport in
one write. Rendering is a pure function of (document, settings), which the golden-byte tests
pin down.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from escpos.constants import QR_ECLEVEL_M
from escpos.printer import Dummy

from app.domain.messages import render
from app.domain.printer_address import can_answer
from app.domain.receipt import (
    CutLine,
    Line,
    LogoLine,
    QrLine,
    Receipt,
    columns_for_width,
    layout,
    two_columns,
    wrap,
)
from app.ports import PrinterError, PrintUnconfirmedError
from app.services.settings import PrinterSettings
from devices import transports
from devices.encoding import ENCODINGS, FS_ENCODING_LEGACY, encode_text, mode_command
from devices.raster import DOTS, image_raster, qr_raster

FS_NV_LOGO = b"\x1c\x70\x01\x00"  # FS p 1 0: the logo stored in the printer (NV bit image 1)
QR_MODULE = {58: 5, 80: 6}


@dataclass(frozen=True)
class RenderOptions:
    encoding: str = "GB18030"
    width: int = 80
    profile: str = "default"
    cut: bool = True
    logo_path: str = ""

    @classmethod
    def of(cls, settings: PrinterSettings, logo_path: str = "") -> RenderOptions:
        return cls(settings.encoding, settings.width, settings.profile, settings.cut, logo_path)


class _Writer:
    """An escpos Dummy plus the text state we last set, so each change is sent once."""

    def __init__(self, options: RenderOptions) -> None:
        transports.check_profile(options.profile)
        self.options = options
        self.p = Dummy(profile=options.profile)
        self.bold = False
        self.size = (1, 1)
        self.dots = DOTS[options.width]

    def style(self, bold: bool, size: tuple[int, int]) -> None:
        if bold != self.bold:
            self.p.set(bold=bold)
            self.bold = bold
        if size != self.size:
            self.p.set(custom_size=True, width=size[0], height=size[1])  # GS ! n
            self.size = size

    def line(self, text: str) -> None:
        self.p._raw(encode_text(text, self.options.encoding) + b"\n")

    def qr(self, payload: str) -> None:
        self.style(False, (1, 1))
        module = QR_MODULE[self.options.width]
        if self.p.profile.supports("qrCode"):
            self.p.set(align="center")
            self.p.qr(payload, ec=QR_ECLEVEL_M, size=module, native=True)
            self.p.set(align="left")
            self.p._raw(b"\n")
        else:
            self.p._raw(qr_raster(payload, module=module, paper_dots=self.dots))

    def logo(self) -> None:
        path = self.options.logo_path
        if path:
            try:
                self.p._raw(image_raster(path, paper_dots=self.dots))
                return
            except OSError:
                pass  # a logo file gone missing does not stop the receipt
        self.p.set(align="center")
        self.p._raw(FS_NV_LOGO)
        self.p.set(align="left")

    def cut(self) -> None:
        self.style(False, (1, 1))
        if self.options.cut:
            self.p.cut()
        else:
            self.p.print_and_feed(4)


def _end_of_job(w: _Writer) -> None:
    """Leave the printer as it was found: plain text, legacy code pages, then ESC @."""
    w.style(False, (1, 1))
    if w.options.encoding == "UTF-8":
        w.p._raw(FS_ENCODING_LEGACY)
    w.p.hw("INIT")


def render_document(
    document: Receipt, options: RenderOptions, *, open_drawer: bool = False
) -> bytes:
    """The exact bytes a printer with these settings gets for ``document``."""
    w = _Writer(options)
    w.p.hw("INIT")  # ESC @
    if open_drawer:
        w.p.cashdraw(2)  # ESC p 0: the drawer opens while the receipt prints
    w.p._raw(mode_command(options.encoding))
    for item in layout(document, columns_for_width(options.width)):
        if isinstance(item, Line):
            size = (2 if item.double_width else 1, 2 if item.double_height else 1)
            w.style(item.bold, size)
            w.line(item.text)
        elif isinstance(item, QrLine):
            w.qr(item.payload)
        elif isinstance(item, LogoLine):
            w.logo()
        elif isinstance(item, CutLine):
            w.cut()
    _end_of_job(w)
    return w.p.output


SAMPLES = {
    "GB18030": "中文测试 会员收银台 ￥12.50",
    "GBK": "中文测试 会员收银台 ￥12.50",
    "Big5": "中文测试 会员收银台 ￥12.50",  # printed in traditional (中文測試 會員收銀臺)
    "UTF-8": "中文测试 會員收銀 ￥12.50",
}
QR_TEST_PAYLOAD = "MEMBER-COUNTER-TEST"


def render_test_page(options: RenderOptions) -> bytes:
    """A page that names its own encoding, then prints a line in every encoding, a column
    ruler, both kinds of QR, a cut. Every line fits the paper.

    The store picks the encoding whose line comes out as Chinese.
    """
    columns = columns_for_width(options.width)
    w = _Writer(options)

    def lines(*texts: str) -> None:
        for text in texts:
            for line in wrap(text, columns):
                w.line(line)

    w.p.hw("INIT")
    w.p._raw(mode_command(options.encoding))
    lines(
        "打印机测试页 PRINTER TEST",
        f"本页编码 {options.encoding}",
        f"纸宽 {options.width}mm {columns}列",
        f"型号配置 {options.profile}",
    )
    w.p._raw(("1234567890" * 5)[:columns].encode() + b"\n")
    if options.encoding == "UTF-8":
        w.p._raw(FS_ENCODING_LEGACY)  # the legacy encodings' lines are read as such
    for encoding in ENCODINGS:
        w.p._raw(f"[{encoding}]\n".encode())
        w.p._raw(mode_command(encoding))
        texts = [SAMPLES[encoding], *two_columns("合计 Total 3件", "￥1,234.50", columns)]
        for text in texts:
            w.p._raw(encode_text(text, encoding) + b"\n")
        if encoding == "UTF-8":
            w.p._raw(FS_ENCODING_LEGACY)
    w.p._raw(mode_command(options.encoding))
    lines("请选用中文正常的那一行的编码")
    module = QR_MODULE[options.width]
    if w.p.profile.supports("qrCode"):
        w.p._raw(b"native QR (GS ( k):\n")
        w.p.set(align="center")
        w.p.qr(QR_TEST_PAYLOAD, ec=QR_ECLEVEL_M, size=module, native=True)
        w.p.set(align="left")
        w.p._raw(b"\n")
    w.p._raw(b"image QR (GS v 0):\n")
    w.p._raw(qr_raster(QR_TEST_PAYLOAD, module=module, paper_dots=w.dots))
    w.cut()
    _end_of_job(w)
    return w.p.output


Sender = Callable[..., "bool | None"]  # True: the printer confirmed it


def _send(
    address: str,
    data: bytes,
    *,
    paper_check: bool = False,
    confirm: bool = False,
    timeout: float = transports.DEFAULT_TIMEOUT,
) -> bool:
    return transports.send(address, data, paper_check=paper_check, confirm=confirm, timeout=timeout)


def unconfirmed(address: str, *, confirm: bool, test_page: bool = False) -> str:
    """Why what was sent to ``address`` is not confirmed as printed, in words: the printer
    cannot answer its status (a Windows printer, a file), or confirmation is off."""
    if not can_answer(address):
        if test_page:
            return render("printer_test_cannot_answer")
        return render("printer_sent_cannot_answer", address=address)
    return render("printer_test_confirm_off" if test_page else "printer_sent_confirm_off")


class EscposReceiptPrinter:
    """The :class:`app.ports.ReceiptPrinter` for ESC/POS printers."""

    def __init__(
        self,
        settings: PrinterSettings,
        *,
        logo_path: str = "",
        address: str | None = None,
        sender: Sender = _send,
        timeout: float = transports.DEFAULT_TIMEOUT,
    ) -> None:
        self.settings = settings
        self.address = address or settings.address
        self.options = RenderOptions.of(settings, logo_path)
        self._send = sender
        self.timeout = timeout  # seconds for the connection, each write and the status answer

    def render(self, document: Receipt, *, open_drawer: bool = False) -> bytes:
        kick = open_drawer and self.settings.drawer_kick_on_cash
        return render_document(document, self.options, open_drawer=kick)

    def print_document(self, document: Receipt, *, open_drawer: bool = False) -> str | None:
        """None when the printer confirmed it; else why it was only sent (app.ports)."""
        if not self.address:
            raise PrinterError(render("printer_not_configured"))
        data = self.render(document, open_drawer=open_drawer)
        confirmed = self._send(
            self.address,
            data,
            paper_check=self.settings.check_paper,
            confirm=self.settings.confirm_print,
            timeout=self.timeout,
        )
        if confirmed:
            return None
        return unconfirmed(self.address, confirm=self.settings.confirm_print)

    def print_test_page(self) -> bytes:
        data = render_test_page(self.options)
        if not self.address:
            raise PrinterError(render("printer_not_configured"))
        self._send(self.address, data)
        return data


@dataclass(frozen=True)
class TestPageSent:
    """A test page the printer took: ``confirmed`` when it answered its status after it
    (False: it was not asked, a printer that cannot answer or confirmation off; ``words``
    says which)."""

    bytes: int
    confirmed: bool
    words: str


def send_test_page(
    settings: PrinterSettings, *, timeout: float = transports.DEFAULT_TIMEOUT
) -> TestPageSent:
    """Print the test page as a receipt prints (its paper checked when set, then asked to
    confirm it as receipt jobs are, :attr:`PrinterSettings.confirm_print`). A printer that
    took it and did not confirm raises a PrinterError saying so in plain words (nothing
    prints it again: a test page is no queued job)."""
    data = render_test_page(RenderOptions.of(settings))
    try:
        confirmed = transports.send(
            settings.address,
            data,
            paper_check=settings.check_paper,
            confirm=settings.confirm_print,
            timeout=timeout,
        )
    except PrintUnconfirmedError as exc:  # it may have printed: the person is asked
        words = render("printer_test_not_confirmed", detail=exc.detail)
        raise PrintUnconfirmedError(words, exc.detail) from exc
    if confirmed:
        return TestPageSent(len(data), True, render("printer_test_confirmed"))
    words = unconfirmed(settings.address, confirm=settings.confirm_print, test_page=True)
    return TestPageSent(len(data), False, words)


def logo_file(path: str) -> str:
    """``path`` if it names a readable file, else "" (the printer's stored logo is used)."""
    return path if path and Path(path).is_file() else ""
