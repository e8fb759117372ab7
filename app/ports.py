"""What the core needs from the outside world, as Protocols; adapters live elsewhere."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from app.domain.receipt import Receipt


class Clock(Protocol):
    def now(self) -> dt.datetime:
        """The current time, timezone-aware UTC."""
        ...


class SystemClock:
    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)


class FixedClock:
    """A clock that only moves when told to (tests, replays, demos)."""

    def __init__(self, now: dt.datetime) -> None:
        self._now = now

    def now(self) -> dt.datetime:
        return self._now

    def advance(self, **delta: float) -> None:
        self._now += dt.timedelta(**delta)

    def set(self, now: dt.datetime) -> None:
        self._now = now


class PayPasswordAuthority(Protocol):
    """HQ's check of the payment password of a member whose verifier this counter does not
    hold (another store's member: ``app.services.foreign``; the adapter is in ``sync``)."""

    def verify(self, member_id: str, password: str) -> tuple[str, int | None]:
        """("ok" | "wrong" | "locked" | "none" | "unreachable", tries left when wrong)."""
        ...


class ChainSales(Protocol):
    """HQ's copy of a cart sale made at another store or counter of the chain, to refund here
    (``app.services.chain_sales``; the adapter is in ``sync``)."""

    def sale(self, number: str) -> tuple[str, dict[str, Any] | None]:
        """("ok", the answer: sale_id, store_code, sale, refunds) | ("unknown", None) |
        ("unreachable", None). ``number``: the whole 单号."""
        ...

    def member(self, member_id: str) -> dict[str, Any] | None:
        """The sale's member as HQ has them (a snapshot line, held here from now on); None
        when HQ cannot be reached or refuses."""
        ...


# -- devices (adapters in ``devices``) ------------------------------------------------------


class PrinterError(OSError):
    """A printer could not print: off, unplugged, out of paper, or an address that is wrong.

    The print queue records ``str(error)`` as the job's last error and retries later.
    """


class PrintUnconfirmedError(PrinterError):
    """The job's bytes went out (all or part of them) but the printer did not confirm it:
    the connection dropped or was reset, or no status answer came. The receipt may have
    printed, so the retry is marked 重打印. ``detail`` says what happened, in words."""

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.detail = detail or message


class ReceiptPrinter(Protocol):
    """Prints receipt documents (``app.domain.receipt.Receipt``) on paper."""

    def print_document(self, document: Receipt, *, open_drawer: bool = False) -> str | None:
        """Print ``document`` (and kick the cash drawer first if asked); raise PrinterError.

        None when the printer confirmed it printed; otherwise the words saying it was only
        sent and why it cannot be confirmed (a Windows printer or a file cannot answer, or
        confirmation is off for a model that cannot)."""
        ...


class CustomerDisplay(Protocol):
    """The customer-facing pole display: two short lines the member can read."""

    def show(self, line1: str, line2: str = "") -> None: ...

    def show_due(self, due_fen: int) -> None: ...

    def show_paid(self, paid_fen: int, change_fen: int) -> None: ...

    def show_balance(self, balance_fen: int, points: int | None = None) -> None: ...

    def clear(self) -> None: ...


class Scanner(Protocol):
    """A scanner that reads on its own thread and calls back with each scan (a str)."""

    def start(self) -> object: ...

    def stop(self, timeout: float = 2.0) -> None: ...
