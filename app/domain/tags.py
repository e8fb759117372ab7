"""Member tags (会员标签): manual tags staff put on a member, and rule tags a member has while
a rule about their own figures holds.

* A tag has a code (letters, digits, ``_``; what the CLI and the wire use), a name (shown),
  a colour from a small palette, and a kind: ``manual`` (who may set it: cashiers and up, or
  managers only) or ``rule``.
* A rule tag is never set by hand: it holds while its rule does, judged from the member's
  figures at the moment they are read, so a member becomes 沉睡 with no activity of theirs
  and stops being 余额低 with the top-up that changes it. The rules:

  - ``spend_12m``: spent at least ``amount_fen`` in the last 365 days (高价值);
  - ``birthday_month``: their birthday falls in the current month (生日月);
  - ``low_balance``: stored value (principal + bonus) below ``amount_fen``, and some was
    topped up once (余额低: a member who never topped up is not "low");
  - ``dormant``: no visit for more than ``days`` days since their last one, or since they
    registered if they never came back (沉睡);
  - ``countcard_unused``: holds an active count card with times left (有次卡未用).

A manual tag on a member is a flag with a clock (last writer wins, by the hybrid clock of
:mod:`app.domain.hlc`), so two stores that tag and untag the same member offline converge.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.domain.errors import ValidationError
from app.domain.money import MAX_AMOUNT_FEN
from app.domain.text import check_text

MANUAL = "manual"
RULE = "rule"
KINDS = (MANUAL, RULE)

# Who may set a manual tag: "cashier" (any staff at the counter) or "manager".
SET_BY = ("cashier", "manager")

# The palette: a name the window draws with a fixed light background and dark text.
COLOURS = ("grey", "red", "orange", "gold", "green", "teal", "blue", "purple")

SPEND_12M = "spend_12m"
BIRTHDAY_MONTH = "birthday_month"
LOW_BALANCE = "low_balance"
DORMANT = "dormant"
COUNTCARD_UNUSED = "countcard_unused"
RULES = (SPEND_12M, BIRTHDAY_MONTH, LOW_BALANCE, DORMANT, COUNTCARD_UNUSED)
# Which parameter each rule takes (None: none).
RULE_PARAM = {
    SPEND_12M: "amount_fen",
    BIRTHDAY_MONTH: None,
    LOW_BALANCE: "amount_fen",
    DORMANT: "days",
    COUNTCARD_UNUSED: None,
}
MAX_DAYS = 3660
MAX_NAME = 16
SPEND_WINDOW_DAYS = 365

_CODE = re.compile(r"^[A-Za-z0-9_]{1,24}$")


@dataclass(frozen=True)
class Rule:
    kind: str
    amount_fen: int | None = None
    days: int | None = None

    def wire(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind}
        param = RULE_PARAM[self.kind]
        if param is not None:
            out[param] = getattr(self, param)
        return out


@dataclass(frozen=True)
class TagDef:
    code: str
    name: str
    colour: str = "grey"
    kind: str = MANUAL
    set_by: str = "cashier"  # manual tags only
    rule: Rule | None = None  # rule tags only
    active: bool = True

    def wire(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "colour": self.colour,
            "kind": self.kind,
            "set_by": self.set_by,
            "rule": self.rule.wire() if self.rule is not None else None,
            "active": self.active,
        }


def check_code(code: Any) -> str:
    if not isinstance(code, str) or not _CODE.match(code.strip()):
        raise ValidationError("tag_code_invalid", tag=str(code)[:24])
    return code.strip().upper()


def check_rule(data: Any) -> Rule:
    """A rule from its wire form (``{"kind": ..., "amount_fen" | "days": n}``)."""
    if not isinstance(data, Mapping) or data.get("kind") not in RULES:
        kind = data.get("kind") if isinstance(data, Mapping) else data
        raise ValidationError("tag_rule_invalid", rule=str(kind)[:24])
    kind = str(data["kind"])
    param = RULE_PARAM[kind]
    extra = set(data) - {"kind"} - ({param} if param else set())
    if extra:
        raise ValidationError("tag_rule_invalid", rule=kind)
    if param is None:
        return Rule(kind)
    value = data.get(param)
    top = MAX_AMOUNT_FEN if param == "amount_fen" else MAX_DAYS
    if type(value) is not int or not (0 < value <= top):
        raise ValidationError("tag_rule_param", rule=kind, param=param)
    return Rule(kind, **{param: value})


def tag_of_wire(data: Any) -> TagDef:
    """A tag definition from its wire form, checked (ValidationError says what is wrong)."""
    if not isinstance(data, Mapping):
        raise ValidationError("tag_invalid", field="tag")
    allowed = {"code", "name", "colour", "kind", "set_by", "rule", "active"}
    if set(data) - allowed:
        raise ValidationError("tag_invalid", field=sorted(set(data) - allowed)[0])
    code = check_code(data.get("code"))
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ValidationError("tag_name_required")
    name = check_text(name.strip(), "tag_name") or ""
    if len(name) > MAX_NAME:
        raise ValidationError("tag_name_too_long", limit=MAX_NAME)
    colour = data.get("colour", "grey")
    if colour not in COLOURS:
        raise ValidationError("tag_colour_invalid", colour=str(colour)[:16])
    kind = data.get("kind", MANUAL)
    if kind not in KINDS:
        raise ValidationError("tag_invalid", field="kind")
    set_by = data.get("set_by", "cashier")
    if set_by not in SET_BY:
        raise ValidationError("tag_invalid", field="set_by")
    active = data.get("active", True)
    if type(active) is not bool:
        raise ValidationError("tag_invalid", field="active")
    raw_rule = data.get("rule")
    if kind == RULE:
        if raw_rule is None:
            raise ValidationError("tag_rule_required")
        rule: Rule | None = check_rule(raw_rule)
    else:
        if raw_rule is not None:
            raise ValidationError("tag_invalid", field="rule")
        rule = None
    return TagDef(code, name, colour, kind, set_by, rule, active)


@dataclass(frozen=True)
class Facts:
    """What a rule reads of one member."""

    today: dt.date
    registered_on: dt.date
    birthday_md: str | None  # "MM-DD"
    balance_fen: int
    ever_topped_up: bool
    spend_12m_fen: int
    last_visit: dt.date | None
    countcard_times_left: int


def holds(rule: Rule, facts: Facts) -> bool:
    """Whether the member has the rule tag now."""
    if rule.kind == SPEND_12M:
        return facts.spend_12m_fen >= (rule.amount_fen or 0)
    if rule.kind == BIRTHDAY_MONTH:
        return facts.birthday_md is not None and facts.birthday_md[:2] == f"{facts.today:%m}"
    if rule.kind == LOW_BALANCE:
        return facts.ever_topped_up and facts.balance_fen < (rule.amount_fen or 0)
    if rule.kind == DORMANT:
        since = facts.last_visit or facts.registered_on
        return (facts.today - since).days > (rule.days or 0)
    if rule.kind == COUNTCARD_UNUSED:
        return facts.countcard_times_left > 0
    return False


def spend_window_start(today: dt.date) -> dt.date:
    """The first day the 12-month spend counts."""
    return today - dt.timedelta(days=SPEND_WINDOW_DAYS - 1)
