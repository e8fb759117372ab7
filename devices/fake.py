"""A printer and a display that keep what they are given: for the window's tests and demos."""

from __future__ import annotations

import threading

from app.domain.money import format_yuan
from app.domain.receipt import Receipt
from app.ports import PrinterError


class FakePrinter:
    """A :class:`app.ports.ReceiptPrinter` that records documents, or fails while told to."""

    def __init__(self) -> None:
        self.printed: list[tuple[Receipt, bool]] = []
        self.failure: str | None = None  # e.g. "out of paper": every print fails with it
        self._lock = threading.Lock()

    def print_document(self, document: Receipt, *, open_drawer: bool = False) -> str | None:
        if self.failure is not None:
            raise PrinterError(self.failure)
        with self._lock:
            self.printed.append((document, open_drawer))
        return None  # confirmed: it keeps every document it is given


class FakeDisplay:
    """A :class:`app.ports.CustomerDisplay` that remembers its two lines."""

    def __init__(self) -> None:
        self.lines = ("", "")

    def show(self, line1: str, line2: str = "") -> None:
        self.lines = (line1, line2)

    def show_due(self, due_fen: int) -> None:
        self.lines = ("TOTAL DUE", format_yuan(due_fen))

    def show_paid(self, paid_fen: int, change_fen: int) -> None:
        self.lines = (f"PAID {format_yuan(paid_fen)}", f"CHANGE {format_yuan(change_fen)}")

    def show_balance(self, balance_fen: int, points: int | None = None) -> None:
        self.lines = (f"BALANCE {format_yuan(balance_fen)}", "" if points is None else str(points))

    def clear(self) -> None:
        self.lines = ("", "")
