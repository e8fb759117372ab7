"""Counter-local settings: the receipt printer, the receipt's store text, the customer display,
the scanners, the automatic backups and the business-day start (营业日切换时间).

Settings belong to this counter (not synced). Reading needs nobody signed in (the print worker
reads them); changing one needs a manager or admin and leaves an audit entry (no outbox
event: HQ does not care which printer a counter uses). The business day is this counter's
too: its daily close and Z report are its own, and HQ takes each event's business date as
the counter dated it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields, replace
from pathlib import PurePath, PureWindowsPath
from typing import Any

from app.domain import business_day
from app.domain.errors import RuleError, ValidationError
from app.domain.printer_address import parse_printer_address
from app.domain.receipt import columns_for_width
from app.domain.text import check_text
from app.persistence import local
from app.persistence.uow import UnitOfWork
from app.services.context import CounterContext
from app.services.recording import record
from app.services.security import Actor, Permission, require

ENCODINGS = ("GB18030", "GBK", "Big5", "UTF-8")
PAPER_WIDTHS = (58, 80)
MAX_TEMPLATE_LINES = 8
MAX_LINE_LENGTH = 64

PRINTER, RECEIPT, DISPLAY = "printer", "receipt", "display"


def normalise_encoding(value: str) -> str:
    """The canonical name of a printer encoding ("gb18030" → "GB18030"), or a refusal."""
    key = (value or "").strip().upper().replace("_", "-")
    for name in ENCODINGS:
        if key in (name.upper(), name.upper().replace("-", "")):
            return name
    raise ValidationError("encoding_invalid", value=value)


@dataclass(frozen=True)
class PrinterSettings:
    """The receipt printer: where it is, what it reads, what it can do."""

    address: str = ""
    encoding: str = "GB18030"
    width: int = 80
    profile: str = "default"
    cut: bool = True
    drawer_kick_on_cash: bool = True
    enabled: bool = False
    # Ask the printer for its paper sensor (DLE EOT 4) before each job: only for printers that
    # answer (network, serial, USB); a job waits in the queue while the paper is out.
    check_paper: bool = False
    # Ask the printer for its status (DLE EOT 1) after each job and wait for the answer: a job
    # is done only when the printer answered (network, serial, USB). Off for models that
    # cannot answer: their jobs are done when the bytes are sent.
    confirm_print: bool = True

    @property
    def columns(self) -> int:
        return columns_for_width(self.width)

    @property
    def configured(self) -> bool:
        return self.enabled and bool(self.address)

    def checked(self) -> PrinterSettings:
        """These settings validated and normalised, or a ValidationError saying what is wrong."""
        address = check_text(self.address.strip(), "device_address") or ""
        if address:
            address = str(parse_printer_address(address))
        if self.width not in PAPER_WIDTHS:
            raise ValidationError("paper_width_invalid", value=self.width)
        profile = check_text((self.profile or "").strip(), "printer_profile") or "default"
        if len(profile) > 64:
            raise ValidationError("printer_profile_invalid", value=profile)
        return replace(
            self,
            address=address,
            encoding=normalise_encoding(self.encoding),
            profile=profile,
            enabled=bool(self.enabled and address),
        )


@dataclass(frozen=True)
class ReceiptTemplate:
    """The store's own text on every receipt."""

    header_lines: tuple[str, ...] = ()
    footer_lines: tuple[str, ...] = ("谢谢惠顾,欢迎再次光临",)
    logo: bool = False
    logo_path: str = ""  # an image file; empty: the logo stored in the printer (NV image 1)
    counter_name: str = ""  # shown as 收银台; empty: the end of this counter's device id

    def checked(self) -> ReceiptTemplate:
        def lines(values: Any, what: str) -> tuple[str, ...]:
            items = tuple(check_text(str(v).strip(), "receipt_text") or "" for v in (values or ()))
            if len(items) > MAX_TEMPLATE_LINES or any(len(v) > MAX_LINE_LENGTH for v in items):
                raise ValidationError(
                    "setting_invalid",
                    detail=f"{what}: ≤ {MAX_TEMPLATE_LINES} × {MAX_LINE_LENGTH}",
                )
            return items

        name = check_text((self.counter_name or "").strip(), "counter_name") or ""
        if len(name) > 32:
            raise ValidationError("setting_invalid", detail="counter_name ≤ 32")
        return replace(
            self,
            header_lines=lines(self.header_lines, "header_lines"),
            footer_lines=lines(self.footer_lines, "footer_lines"),
            logo=bool(self.logo),
            logo_path=(self.logo_path or "").strip(),
            counter_name=name,
        )


@dataclass(frozen=True)
class DisplaySettings:
    """The customer pole display (2×20), off unless the store turns it on."""

    address: str = ""  # a serial port or pyserial URL
    baudrate: int = 9600
    enabled: bool = False

    def checked(self) -> DisplaySettings:
        address = check_text((self.address or "").strip(), "device_address") or ""
        if not (50 <= int(self.baudrate) <= 4_000_000):
            raise ValidationError("setting_invalid", detail=f"baudrate {self.baudrate}")
        return replace(
            self,
            address=address,
            baudrate=int(self.baudrate),
            enabled=bool(self.enabled and address),
        )


@dataclass(frozen=True)
class ScannerSettings:
    """Scanners: the keyboard-wedge timing the scan box uses, and a serial scanner's port."""

    serial_port: str = ""  # empty: keyboard-wedge scanners only
    baudrate: int = 9600
    prefix: str = ""  # characters the scanner is set up to send before a code
    suffix: str = ""  # ... and after it (besides Enter)
    max_gap_ms: int = 50  # longest pause between two keys of one scan
    min_length: int = 4

    def checked(self) -> ScannerSettings:
        if not (50 <= int(self.baudrate) <= 4_000_000):
            raise ValidationError("setting_invalid", detail=f"baudrate {self.baudrate}")
        if not (5 <= int(self.max_gap_ms) <= 500) or not (1 <= int(self.min_length) <= 64):
            raise ValidationError("setting_invalid", detail="max_gap_ms 5–500, min_length 1–64")
        if len(self.prefix) > 8 or len(self.suffix) > 8:
            raise ValidationError("setting_invalid", detail="prefix/suffix ≤ 8")
        # The prefix and suffix may be control characters (STX, ETX): scanners send them.
        return replace(
            self,
            serial_port=check_text((self.serial_port or "").strip(), "device_address") or "",
            baudrate=int(self.baudrate),
            max_gap_ms=int(self.max_gap_ms),
            min_length=int(self.min_length),
        )


@dataclass(frozen=True)
class BackupSettings:
    """Automatic backups at each daily close: on by default, the last ``keep`` kept."""

    auto: bool = True
    keep: int = 14
    folder: str = ""  # empty: ``backups`` in the data directory; else an absolute path

    def checked(self) -> BackupSettings:
        if not (1 <= int(self.keep) <= 366):
            raise ValidationError("setting_invalid", detail="keep 1–366")
        folder = check_text((self.folder or "").strip(), "backup_folder") or ""
        if folder and not PurePath(folder).is_absolute() and not PureWindowsPath(folder).drive:
            raise ValidationError("setting_invalid", detail=f"folder {folder}: an absolute path")
        return replace(self, auto=bool(self.auto), keep=int(self.keep), folder=folder)


@dataclass(frozen=True)
class BusinessDaySettings:
    """When the store's business day starts: an operation before it belongs to the day before."""

    day_start: str = business_day.format_day_start(business_day.DEFAULT_DAY_START)

    def checked(self) -> BusinessDaySettings:
        start = business_day.parse_day_start(self.day_start)  # an hour 0–23 or HH:MM
        return replace(self, day_start=business_day.format_day_start(start))


DEFAULT_REFUND_REASONS = ("质量问题", "顾客原因", "收银错误", "其他")
MAX_REFUND_REASONS = 20
MAX_REFUND_REASON_LENGTH = 16


@dataclass(frozen=True)
class RefundReasons:
    """The reasons a partial refund is given for (app.services.partial_refunds): the store's
    own list, in the order the cashier sees it."""

    reasons: tuple[str, ...] = DEFAULT_REFUND_REASONS

    def checked(self) -> RefundReasons:
        items = tuple(
            check_text(str(v).strip(), "refund_reason") or "" for v in (self.reasons or ())
        )
        if not items:
            raise ValidationError("refund_reasons_last")
        if len(items) > MAX_REFUND_REASONS:
            raise ValidationError("refund_reasons_too_many", max=MAX_REFUND_REASONS)
        if any(not (0 < len(v) <= MAX_REFUND_REASON_LENGTH) for v in items):
            raise ValidationError("refund_reason_invalid", max=MAX_REFUND_REASON_LENGTH)
        if len(set(items)) != len(items):
            dup = next(v for v in items if items.count(v) > 1)
            raise ValidationError("refund_reason_exists", reason=dup)
        return replace(self, reasons=items)


FOREIGN_REFUND_POLICIES = ("original", "cash")


@dataclass(frozen=True)
class ForeignRefund:
    """How the money of another store's sale refunded here goes back (app.services.
    chain_sales): ``original`` by the tenders it was paid with, ``cash`` all of it but stored
    value as cash. Stored value and points always go back to the member as the sale took them."""

    policy: str = "original"

    def checked(self) -> ForeignRefund:
        policy = str(self.policy or "").strip().lower()
        if policy not in FOREIGN_REFUND_POLICIES:
            raise ValidationError("foreign_refund_policy_invalid", value=policy[:16],
                                  allowed="、".join(FOREIGN_REFUND_POLICIES))  # fmt: skip
        return replace(self, policy=policy)


SCANNER = "scanner"
BACKUP = "backup"
BUSINESS_DAY = business_day.SETTING_KEY
REFUND_REASONS = "refund_reasons"
FOREIGN_REFUND = "foreign_refund"
_TYPES: dict[str, type] = {
    FOREIGN_REFUND: ForeignRefund,
    PRINTER: PrinterSettings,
    RECEIPT: ReceiptTemplate,
    DISPLAY: DisplaySettings,
    SCANNER: ScannerSettings,
    BACKUP: BackupSettings,
    BUSINESS_DAY: BusinessDaySettings,
    REFUND_REASONS: RefundReasons,
}


def _from_dict(cls: type, data: dict[str, Any]) -> Any:
    known = {f.name for f in fields(cls)}
    values = {k: v for k, v in data.items() if k in known}
    for k, v in list(values.items()):
        if isinstance(v, list):
            values[k] = tuple(v)
    try:
        return cls(**values)
    except TypeError as exc:
        raise ValidationError("setting_invalid", detail=str(exc)) from None


def get_setting(ctx: CounterContext, key: str) -> Any:
    """A setting's typed value (its defaults when never set)."""
    cls = _TYPES.get(key)
    if cls is None:
        raise ValidationError("setting_unknown", key=key)
    with ctx.reader() as uow:
        row = local.setting_row(uow, key)
        raw = row.value if row is not None else None
    if raw is None:
        return cls()
    try:
        data = json.loads(raw)
    except ValueError:
        return cls()
    return _from_dict(cls, data if isinstance(data, dict) else {})


def set_setting(
    ctx: CounterContext,
    actor: Actor,
    key: str,
    value: Any,
    check: Callable[[UnitOfWork, Any], None] | None = None,
) -> Any:
    """Validate and store a setting (manager or admin); one transaction with its audit entry.

    ``check`` may refuse the checked value against what the database holds."""
    require(actor, Permission.SETTINGS_EDIT)
    cls = _TYPES.get(key)
    if cls is None:
        raise ValidationError("setting_unknown", key=key)
    if isinstance(value, dict):
        value = _from_dict(cls, value)
    if not isinstance(value, cls):
        raise ValidationError("setting_invalid", detail=key)
    value = value.checked()  # type: ignore[attr-defined]
    body = json.dumps(asdict(value), ensure_ascii=False, sort_keys=True)
    with ctx.uow() as uow:
        if check is not None:
            check(uow, value)
        before = local.put_setting(uow, key, body, ctx.now(), actor.staff_id)
        record(
            ctx,
            uow,
            actor,
            action="setting.change",
            entity="setting",
            entity_id=key,
            before=json.loads(before.value) if before is not None else None,
            after=json.loads(body),
            event_type=None,
            payload={},
        )
        uow.commit()
    return value


def printer_settings(ctx: CounterContext) -> PrinterSettings:
    value: PrinterSettings = get_setting(ctx, PRINTER)
    return value


def receipt_template(ctx: CounterContext) -> ReceiptTemplate:
    value: ReceiptTemplate = get_setting(ctx, RECEIPT)
    return value


def display_settings(ctx: CounterContext) -> DisplaySettings:
    value: DisplaySettings = get_setting(ctx, DISPLAY)
    return value


def set_printer_settings(
    ctx: CounterContext, actor: Actor, settings: PrinterSettings
) -> PrinterSettings:
    value: PrinterSettings = set_setting(ctx, actor, PRINTER, settings)
    return value


def set_receipt_template(
    ctx: CounterContext, actor: Actor, template: ReceiptTemplate
) -> ReceiptTemplate:
    value: ReceiptTemplate = set_setting(ctx, actor, RECEIPT, template)
    return value


def set_display_settings(
    ctx: CounterContext, actor: Actor, settings: DisplaySettings
) -> DisplaySettings:
    value: DisplaySettings = set_setting(ctx, actor, DISPLAY, settings)
    return value


def scanner_settings(ctx: CounterContext) -> ScannerSettings:
    value: ScannerSettings = get_setting(ctx, SCANNER)
    return value


def set_scanner_settings(
    ctx: CounterContext, actor: Actor, settings: ScannerSettings
) -> ScannerSettings:
    value: ScannerSettings = set_setting(ctx, actor, SCANNER, settings)
    return value


def backup_settings(ctx: CounterContext) -> BackupSettings:
    value: BackupSettings = get_setting(ctx, BACKUP)
    return value


def set_backup_settings(
    ctx: CounterContext, actor: Actor, settings: BackupSettings
) -> BackupSettings:
    value: BackupSettings = set_setting(ctx, actor, BACKUP, settings)
    return value


def business_day_settings(ctx: CounterContext) -> BusinessDaySettings:
    value: BusinessDaySettings = get_setting(ctx, BUSINESS_DAY)
    return value


def set_business_day_settings(
    ctx: CounterContext, actor: Actor, settings: BusinessDaySettings
) -> BusinessDaySettings:
    """Change when the business day starts; applies from the next operation (an operation
    already dated keeps its date; a closed date stays closed).

    It is refused while it would move the current business date (between the old and the new
    start, say 02:30 when moving 04:00 → 02:00: the night's operations would fall in two
    dates), and when it would put the clock back into a closed date (04:00 → 05:00 at 04:30
    just after the close): that would refuse every operation until the new start."""

    def keeps_the_date(uow: UnitOfWork, value: BusinessDaySettings) -> None:
        now, closed = ctx.local_now(uow), uow.business_day_marks()[0]
        old = business_day.clock_date(now, ctx.day_start(uow))
        new = business_day.clock_date(now, business_day.parse_day_start(value.day_start))
        if closed is not None and new < closed:
            raise RuleError("day_start_before_close", start=value.day_start,
                            date=new.isoformat(), closed=closed.isoformat())  # fmt: skip
        before, after = (business_day.business_date(d, closed) for d in (old, new))
        if before != after:
            raise RuleError("day_start_moves_date", start=value.day_start,
                            date=before.isoformat(), new=after.isoformat())  # fmt: skip

    value: BusinessDaySettings = set_setting(ctx, actor, BUSINESS_DAY, settings, keeps_the_date)
    return value
