"""Service tickets (服务工单): a member's consultation, complaint, feedback or suggestion, taken
at the counter and followed until it is resolved and closed.

* Kinds: ``consultation`` 咨询, ``complaint`` 投诉, ``feedback`` 反馈, ``suggestion`` 建议.
* Priority: ``low`` 低, ``normal`` 普通, ``high`` 高, ``urgent`` 紧急; each has its SLA, the time
  from opening by which it should be resolved (:func:`due_at`).
* Status: ``new`` 新建 → ``in_progress`` 处理中 → ``resolved`` 已解决 → ``closed`` 已关闭; a
  resolved or closed ticket may be reopened (back to ``in_progress``). :func:`allowed` says
  which moves are allowed; resolving needs a resolution text; the member's satisfaction
  (1–5) is given only once the ticket is resolved or closed.

A ticket's fields are each written with a hybrid clock (:mod:`app.domain.hlc`): the newest
write of a field wins, so two stores that change the same ticket while apart converge, and
the history keeps every change.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from app.domain.errors import RuleError, ValidationError
from app.domain.text import check_text

CONSULTATION = "consultation"
COMPLAINT = "complaint"
FEEDBACK = "feedback"
SUGGESTION = "suggestion"
KINDS = (CONSULTATION, COMPLAINT, FEEDBACK, SUGGESTION)
KIND_WORDS: dict[str, tuple[str, str]] = {
    CONSULTATION: ("咨询", "consultation"),
    COMPLAINT: ("投诉", "complaint"),
    FEEDBACK: ("反馈", "feedback"),
    SUGGESTION: ("建议", "suggestion"),
}

LOW = "low"
NORMAL = "normal"
HIGH = "high"
URGENT = "urgent"
PRIORITIES = (LOW, NORMAL, HIGH, URGENT)
PRIORITY_WORDS: dict[str, tuple[str, str]] = {
    LOW: ("低", "low"),
    NORMAL: ("普通", "normal"),
    HIGH: ("高", "high"),
    URGENT: ("紧急", "urgent"),
}
# The time from opening by which a ticket of each priority should be resolved.
SLA: dict[str, dt.timedelta] = {
    URGENT: dt.timedelta(hours=4),
    HIGH: dt.timedelta(hours=24),
    NORMAL: dt.timedelta(hours=72),
    LOW: dt.timedelta(days=7),
}

NEW = "new"
IN_PROGRESS = "in_progress"
RESOLVED = "resolved"
CLOSED = "closed"
STATUSES = (NEW, IN_PROGRESS, RESOLVED, CLOSED)
STATUS_WORDS: dict[str, tuple[str, str]] = {
    NEW: ("新建", "new"),
    IN_PROGRESS: ("处理中", "in progress"),
    RESOLVED: ("已解决", "resolved"),
    CLOSED: ("已关闭", "closed"),
}
OPEN_STATUSES = (NEW, IN_PROGRESS)  # the SLA runs; overdue when past due
DONE_STATUSES = (RESOLVED, CLOSED)  # satisfaction may be given
_MOVES: dict[str, frozenset[str]] = {
    NEW: frozenset({IN_PROGRESS, RESOLVED}),
    IN_PROGRESS: frozenset({RESOLVED}),
    RESOLVED: frozenset({CLOSED, IN_PROGRESS}),  # closed, or reopened
    CLOSED: frozenset({IN_PROGRESS}),  # reopened
}
# The fields an update writes, each with its own clock.
FIELDS = ("status", "assignee", "resolution", "satisfaction")

MAX_SUBJECT = 60
MAX_BODY = 1000
MAX_TEXT = 500  # a resolution or a follow-up note
_STAFF_NO = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
_NUMBER = re.compile(r"^T-[A-Za-z0-9_-]{1,40}-\d{6,}$")


def allowed(current: str, target: str) -> bool:
    """Whether a ticket at ``current`` may move to ``target``."""
    return target in _MOVES.get(current, frozenset())


def next_statuses(current: str) -> tuple[str, ...]:
    return tuple(s for s in STATUSES if allowed(current, s))


def is_reopen(current: str, target: str) -> bool:
    return current in DONE_STATUSES and target == IN_PROGRESS


def due_at(opened_at: dt.datetime, priority: str) -> dt.datetime:
    """When a ticket of ``priority`` opened at ``opened_at`` should be resolved by."""
    return opened_at + SLA[priority]


def is_overdue(status: str, due: dt.datetime, now: dt.datetime) -> bool:
    """Still open (new or in progress) and past its due time."""
    return status in OPEN_STATUSES and now > due


def device_tag(device_id: str) -> str:
    """Four characters of the counter's device id (its random end), in its tickets' numbers:
    two counters of one store, offline, never give the same number."""
    return device_id.replace("-", "")[-4:].upper()


def number_prefix(store_code: str, device_id: str) -> str:
    return f"T-{store_code}-{device_tag(device_id)}-"


def number(store_code: str, device_id: str, seq: int) -> str:
    """The ticket's short number, unique per store: ``T-S001-7F3A-000123`` (the store, the
    counter, its sequence)."""
    return f"{number_prefix(store_code, device_id)}{seq:06d}"


def check_number(text: Any) -> str:
    if not isinstance(text, str) or not _NUMBER.match(text.strip().upper()):
        raise ValidationError("ticket_number_invalid", number=str(text)[:40])
    return text.strip().upper()


def check_kind(kind: Any) -> str:
    if kind not in KINDS:
        raise ValidationError("ticket_kind_invalid", kind=str(kind)[:24])
    return str(kind)


def check_priority(priority: Any) -> str:
    if priority not in PRIORITIES:
        raise ValidationError("ticket_priority_invalid", priority=str(priority)[:24])
    return str(priority)


def check_status(status: Any) -> str:
    if status not in STATUSES:
        raise ValidationError("ticket_status_invalid", status=str(status)[:24])
    return str(status)


def check_subject(subject: Any) -> str:
    if not isinstance(subject, str) or not subject.strip():
        raise ValidationError("ticket_subject_required")
    subject = check_text(subject.strip(), "ticket_subject") or ""
    if len(subject) > MAX_SUBJECT:
        raise ValidationError("ticket_subject_too_long", limit=MAX_SUBJECT)
    return subject


def check_body(body: Any) -> str | None:
    if body is None or (isinstance(body, str) and not body.strip()):
        return None
    if not isinstance(body, str):
        raise ValidationError("ticket_invalid", field="body")
    body = check_text(body.strip(), "ticket_body", multiline=True) or ""
    if len(body) > MAX_BODY:
        raise ValidationError("ticket_body_too_long", limit=MAX_BODY)
    return body


def check_long_text(text: Any, field: str) -> str | None:
    """A resolution or a note: None when empty, else checked (at most MAX_TEXT)."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    if not isinstance(text, str):
        raise ValidationError("ticket_invalid", field=field)
    text = check_text(text.strip(), f"ticket_{field}", multiline=True) or ""
    if len(text) > MAX_TEXT:
        raise ValidationError("ticket_text_too_long", limit=MAX_TEXT)
    return text


def check_assignee(staff_no: Any) -> str:
    if not isinstance(staff_no, str) or not _STAFF_NO.match(staff_no.strip()):
        raise ValidationError("ticket_assignee_invalid", staff=str(staff_no)[:32])
    return staff_no.strip()


def check_satisfaction(value: Any, status: str) -> int:
    """The member's satisfaction, 1 to 5, given once the ticket is resolved or closed."""
    if type(value) is not int or not 1 <= value <= 5:
        raise ValidationError("ticket_satisfaction_invalid")
    if status not in DONE_STATUSES:
        raise RuleError("ticket_satisfaction_too_early")
    return value


def check_move(current: str, target: str, resolution: str | None) -> None:
    """A status change: an allowed move, and resolving says how (a resolution text, given
    now or held already)."""
    if not allowed(current, target):
        raise RuleError("ticket_move_refused", current=current, target=target)
    if target == RESOLVED and not resolution:
        raise ValidationError("ticket_resolution_required")
