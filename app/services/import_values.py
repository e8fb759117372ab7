"""Cells of an import file as old systems and spreadsheets write them.

- Phones typed into Excel as numbers: 13800138000.0, or 1.3800138000E+10 with all 11 digits
  (1.38001E+10 has lost digits: refused, the number cannot be known).
- Dates: 2024-05-01, 2024/5/1, 2024年5月1日, 20240501, with a time or not, and Excel's
  date serial numbers (45413 is 2024-05-01; 45413.5 is noon).
- Birthdays without a year (05-20, 5/20, 5月20日, 0520, --05-20): kept as month and day.
- Gender: 男/女/m/f/...; 未知, 保密, 不详 and blank are "not stated".
- Status: 正常/启用/有效 (active), 冻结/停用/禁用 (frozen card), 挂失 (lost card),
  注销/销户 (a cancelled member, imported for history).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from app.domain.errors import ValidationError

_DATE_PARTS = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_MONTH_DAY = re.compile(r"(?:--)?(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?|(\d{2})(\d{2})")
_SERIAL = re.compile(r"[1-9][0-9]{4}(?:\.[0-9]+)?")  # 10000..99999: 1927..2173
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)  # serial 1 is 1900-01-01 (Excel's 1900 leap bug)
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").strip()


def excel_serial(text: str) -> dt.datetime | None:
    """The moment an Excel date serial number (45413, 45413.5) stands for, else None."""
    if not _SERIAL.fullmatch(text):
        return None
    return _EXCEL_EPOCH + dt.timedelta(days=float(text))


def date_text(text: str) -> str:
    """Common ways old systems write a date, as ISO (anything else is left for the check)."""
    text = _nfkc(text)
    if not text:
        return ""
    serial = excel_serial(text)
    if serial is not None:
        return serial.date().isoformat()
    text = text.split(" ")[0] if re.fullmatch(r"\S+ 00:00(:00)?", text) else text
    m = _DATE_PARTS.fullmatch(text)
    if m:
        return f"{int(m[1]):04d}-{int(m[2]):02d}-{int(m[3]):02d}"
    if re.fullmatch(r"\d{8}", text):
        return f"{text[:4]}-{text[4:6]}-{text[6:]}"
    return text


def month_day(text: str) -> str | None:
    """ "MM-DD" of a birthday written without a year, else None (not such a form)."""
    m = _MONTH_DAY.fullmatch(_nfkc(text))
    if m is None:
        return None
    month, day = (int(m[1]), int(m[2])) if m[1] else (int(m[3]), int(m[4]))
    try:
        dt.date(2000, month, day)  # a leap year: 02-29 is a birthday
    except ValueError:
        raise ValidationError("birthday_invalid", value=text) from None
    return f"{month:02d}-{day:02d}"


def moment(text: str) -> dt.datetime | None:
    """A registration time: a date, a date and time, or an Excel serial; None when blank."""
    text = _nfkc(text)
    if not text:
        return None
    serial = excel_serial(text)
    if serial is not None:
        return serial.replace(microsecond=0)
    day, _sep, rest = text.replace("T", " ").partition(" ")
    try:
        date = dt.date.fromisoformat(date_text(day))
    except ValueError:
        raise ValidationError("import_date_invalid", value=text) from None
    t = _TIME.fullmatch(rest.strip()) if rest.strip() else None
    if rest.strip() and t is None:
        raise ValidationError("import_date_invalid", value=text)
    try:
        clock = dt.time(int(t[1]), int(t[2]), int(t[3] or 0)) if t else dt.time()
    except ValueError:
        raise ValidationError("import_date_invalid", value=text) from None
    return dt.datetime.combine(date, clock)


_SCIENTIFIC = re.compile(r"[0-9](?:\.[0-9]+)?[eE]\+?[0-9]{1,2}")


def phone_text(text: str) -> str:
    """A phone as a spreadsheet may have turned it into a number, as its digits."""
    cleaned = _nfkc(text)
    if re.fullmatch(r"[0-9]{11}\.0+", cleaned):
        return cleaned.split(".")[0]
    if _SCIENTIFIC.fullmatch(cleaned):
        number = Decimal(cleaned)
        digits = len(number.as_tuple().digits)
        try:
            whole = int(number)
        except (InvalidOperation, OverflowError):
            raise ValidationError("phone_invalid", value=text) from None
        if number != whole or digits < len(str(whole)):
            raise ValidationError("import_phone_scientific", value=text)
        return str(whole)
    return text


NOT_STATED = ("未知", "保密", "不详", "未填", "不明", "无", "-", "unknown", "n/a", "na")


def gender_text(text: str) -> str | None:
    """The gender to check, or None for "not stated" (blank, 未知, 保密, ...)."""
    cleaned = _nfkc(text)
    return None if not cleaned or cleaned.lower() in NOT_STATED else cleaned


# the old system's status -> the card's state here
STATUSES: dict[str, str] = {
    "正常": "active", "启用": "active", "有效": "active", "激活": "active", "在用": "active",
    "使用中": "active", "active": "active", "normal": "active", "enabled": "active",
    "冻结": "frozen", "已冻结": "frozen", "停用": "frozen", "已停用": "frozen",
    "禁用": "frozen", "已禁用": "frozen", "frozen": "frozen", "disabled": "frozen",
    "挂失": "lost", "已挂失": "lost", "lost": "lost",
    "注销": "cancelled", "已注销": "cancelled", "销户": "cancelled", "已销户": "cancelled",
    "销卡": "cancelled", "已销卡": "cancelled", "cancelled": "cancelled",
    "canceled": "cancelled", "closed": "cancelled",
}  # fmt: skip


def status_of(text: str) -> str:
    """The card state of an old system's member status (blank: active)."""
    cleaned = _nfkc(text)
    if not cleaned:
        return "active"
    state = STATUSES.get(cleaned.lower())
    if state is None:
        raise ValidationError("import_status_unknown", value=text, known="、".join(STATUSES))
    return state
