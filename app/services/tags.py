"""Member tags (会员标签): the chain's tag definitions, manual tags on members, rule tags judged
from a member's figures (app.domain.tags).

Each change is one transaction with its audit entry and outbox event: a definition saved
(``tag.saved``: every counter of the chain learns it; only the store that made a tag changes
it), a manual tag put on or taken off a member (``member.tag_set``, with its clock: last
writer wins per member and tag, so stores that tag the same member while apart converge).
Rule tags are never written: they hold while their rule does.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from app.domain.countcard import remaining
from app.domain.errors import NotFoundError, RuleError, ValidationError
from app.domain.hlc import newer
from app.domain.messages import current_language
from app.domain.phone import mask_phone
from app.domain.tags import (
    MANUAL,
    RULE,
    Facts,
    Rule,
    TagDef,
    check_code,
    check_rule,
    holds,
    spend_window_start,
    tag_of_wire,
)
from app.persistence import countcard_store, tag_store
from app.persistence.tables import Member
from app.persistence.tag_tables import MemberTag
from app.persistence.tag_tables import TagDef as TagRow
from app.persistence.uow import UnitOfWork
from app.services import counter_clock
from app.services.context import CounterContext, load_rules
from app.services.lookup import resolve_member
from app.services.recording import record
from app.services.security import APPROVER_ROLES, Actor, Permission, require

SAVED = "tag.saved"
SET = "member.tag_set"
MAX_LISTED = 10_000


@dataclass(frozen=True)
class TagView:
    tag: TagDef
    store_code: str | None  # the store that made it (None: HQ's)

    def to_dict(self) -> dict[str, Any]:
        return {**self.tag.wire(), "store_code": self.store_code}


@dataclass(frozen=True)
class MemberTagView:
    code: str
    name: str
    colour: str
    kind: str  # manual | rule

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "colour": self.colour, "kind": self.kind}


def tag_def(row: TagRow) -> TagDef:
    rule = check_rule(json.loads(row.rule)) if row.rule else None
    return TagDef(row.code, row.name, row.colour, row.kind, row.set_by, rule, row.active)


# -- definitions -----------------------------------------------------------------------------
def save_tag(
    ctx: CounterContext,
    actor: Actor,
    *,
    code: str,
    name: str,
    colour: str = "grey",
    kind: str = MANUAL,
    set_by: str = "cashier",
    rule: dict[str, Any] | None = None,
    active: bool = True,
) -> TagView:
    """Make a tag or change one this store made (its kind stays as made)."""
    require(actor, Permission.TAG_EDIT)
    tag = tag_of_wire(
        {"code": code, "name": name, "colour": colour, "kind": kind, "set_by": set_by,
         "rule": rule, "active": active}
    )  # fmt: skip
    with ctx.uow() as uow:
        store = uow.store()
        own = store.code if store is not None else None
        row = tag_store.tag(uow, tag.code)
        before = None
        if row is not None:
            if row.store_code != own:
                raise RuleError("tag_foreign", tag=tag.code, owner=row.store_code or "总部")
            if row.kind != tag.kind:
                raise RuleError("tag_kind_fixed", tag=tag.code)
            before = tag_def(row).wire()
            if before == tag.wire():
                raise ValidationError("tag_unchanged", tag=tag.code)
        _write_def(uow, tag, own, ctx.now())
        record(ctx, uow, actor, action="tag.save", entity="tag", entity_id=tag.code,
               before=before, after=tag.wire(), event_type=SAVED,
               payload={"tag": tag.wire()})  # fmt: skip
        uow.commit()
        return TagView(tag, own)


def _write_def(uow: UnitOfWork, tag: TagDef, store_code: str | None, now: dt.datetime) -> None:
    row = tag_store.tag(uow, tag.code)
    if row is None:
        row = TagRow(code=tag.code, store_code=store_code)
        uow.add(row)
    row.name, row.colour, row.kind, row.set_by = tag.name, tag.colour, tag.kind, tag.set_by
    row.rule = json.dumps(tag.rule.wire(), sort_keys=True) if tag.rule else None
    row.active = tag.active
    row.updated_at = now


def apply_pulled(ctx: CounterContext, uow: UnitOfWork, body: dict[str, Any]) -> None:
    """A definition another counter (or HQ) saved, as HQ passes it on: written as it is."""
    tag = tag_of_wire(body["tag"])
    _write_def(uow, tag, body.get("store_code"), ctx.now())


def list_tags(ctx: CounterContext, *, include_inactive: bool = False) -> list[TagView]:
    with ctx.reader() as uow:
        return [
            TagView(tag_def(r), r.store_code)
            for r in tag_store.tags(uow, include_inactive=include_inactive)
        ]


# -- on members ------------------------------------------------------------------------------
def set_tag(
    ctx: CounterContext, actor: Actor, query: str, code: str, present: bool = True
) -> list[MemberTagView]:
    """Put the manual tag ``code`` on the member ``query`` names (``present=False``: take it
    off); the member's tags after it."""
    return set_tags(ctx, actor, query, {code: present})


def set_tags(
    ctx: CounterContext, actor: Actor, query: str, changes: dict[str, bool]
) -> list[MemberTagView]:
    """Several manual tags put on (True) or taken off (False) the member at once, in one
    transaction (each with its event): all of them, or, if one is refused, none."""
    require(actor, Permission.TAG_SET)
    if not changes:
        raise ValidationError("tag_nothing_changed")
    wanted = {check_code(code): present for code, present in changes.items()}
    with ctx.uow() as uow:
        member = resolve_member(ctx, uow, query)
        for code, present in sorted(wanted.items()):
            _set_one(ctx, uow, actor, member, code, present)
        view = _member_tags(ctx, uow, member)
        uow.commit()
        return view


def _set_one(
    ctx: CounterContext, uow: UnitOfWork, actor: Actor, member: Member, code: str, present: bool
) -> None:
    row = tag_store.tag(uow, code)
    if row is None:
        raise NotFoundError("tag_unknown", tag=code)
    if row.kind != MANUAL:
        raise RuleError("tag_is_rule", tag=row.name)
    if present and not row.active:
        raise RuleError("tag_inactive", tag=row.name)
    if row.set_by == "manager" and actor.role not in APPROVER_ROLES:
        raise RuleError("tag_managers_only", tag=row.name)
    current = tag_store.member_tag(uow, member.id, code)
    if (current is not None and current.present) == present:
        raise ValidationError(
            "tag_already_on" if present else "tag_not_on", tag=row.name, name=member.name
        )
    stamp = counter_clock.next_stamp(ctx, uow)
    _write_member_tag(uow, member.id, code, present, stamp, actor.staff_id, ctx.now())
    record(ctx, uow, actor, action="member.tag_set", entity="member", entity_id=member.id,
           before={"tag": code, "present": not present},
           after={"tag": code, "present": present}, event_type=SET,
           payload={"member_id": member.id, "tag_code": code, "present": present,
                    "hlc": stamp})  # fmt: skip


@dataclass(frozen=True)
class TagChoice:
    """A manual tag as the window offers it for one member."""

    code: str
    name: str
    colour: str
    present: bool  # the member has it now
    allowed: bool  # the signed-in staff may set or take it off


def choices(ctx: CounterContext, actor: Actor, query: str) -> list[TagChoice]:
    """The manual tags the member has, and those in use they could be given."""
    with ctx.reader() as uow:
        member = resolve_member(ctx, uow, query)
        have = set(tag_store.manual_codes(uow, member.id))
        manager = actor.role in APPROVER_ROLES
        return [
            TagChoice(r.code, r.name, r.colour, r.code in have,
                      actor.can(Permission.TAG_SET) and (r.set_by != "manager" or manager))
            for r in tag_store.tags(uow, include_inactive=True)
            if r.kind == MANUAL and (r.active or r.code in have)
        ]  # fmt: skip


def _write_member_tag(
    uow: UnitOfWork,
    member_id: str,
    code: str,
    present: bool,
    stamp: str,
    staff_id: str | None,
    now: dt.datetime,
) -> bool:
    """Write the flag when ``stamp`` is newer than the one held (last writer wins)."""
    row = tag_store.member_tag(uow, member_id, code)
    if row is not None and not newer(stamp, row.hlc):
        return False
    if row is None:
        row = MemberTag(member_id=member_id, tag_code=code)
        uow.add(row)
    row.present, row.hlc, row.staff_id, row.at = present, stamp, staff_id, now
    return True


def apply_member_tags(
    ctx: CounterContext, uow: UnitOfWork, member_id: str, flags: dict[str, tuple[bool, str]]
) -> None:
    """Flags another counter set (an event pulled, a snapshot's or a fetch's member), each
    kept when its clock is newer; the counter's clock learns of theirs."""
    counter_clock.learn(ctx, uow, [stamp for _present, stamp in flags.values()])
    for code, (present, stamp) in flags.items():
        _write_member_tag(uow, member_id, code, present, stamp, None, ctx.now())


def member_tags(ctx: CounterContext, query: str) -> list[MemberTagView]:
    """The member's tags now: manual ones, then the rule tags that hold."""
    with ctx.reader() as uow:
        return _member_tags(ctx, uow, resolve_member(ctx, uow, query))


def tags_of(ctx: CounterContext, uow: UnitOfWork, member: Member) -> list[MemberTagView]:
    """The same, within the caller's transaction (the member panel's read)."""
    return _member_tags(ctx, uow, member)


def _member_tags(ctx: CounterContext, uow: UnitOfWork, member: Member) -> list[MemberTagView]:
    defs = {r.code: r for r in tag_store.tags(uow)}
    out = [
        MemberTagView(c, defs[c].name, defs[c].colour, MANUAL)
        for c in tag_store.manual_codes(uow, member.id)
        if c in defs
    ]
    rules = [
        (r, check_rule(json.loads(r.rule))) for r in defs.values() if r.kind == RULE and r.rule
    ]
    if rules:
        facts = member_facts(ctx, uow, member)
        out += [MemberTagView(r.code, r.name, r.colour, RULE) for r, rule in rules
                if holds(rule, facts)]  # fmt: skip
    return out


def member_facts(ctx: CounterContext, uow: UnitOfWork, member: Member) -> Facts:
    today = ctx.business_date(uow)
    left = 0
    for card in tag_store.active_cards(uow, member.id, today):
        left += sum(n for _item, n in remaining(countcard_store.state(uow, card)))
    return Facts(
        today=today,
        registered_on=member.created_at.date(),
        # A birthday with its year, or the month and day alone (a year not given).
        birthday_md=f"{member.birthday:%m-%d}" if member.birthday else member.birthday_md,
        balance_fen=member.principal_fen + member.bonus_fen,
        ever_topped_up=tag_store.ever_topped_up(uow, member.id),
        spend_12m_fen=tag_store.spend_since(uow, member.id, spend_window_start(today)),
        last_visit=tag_store.last_visit(uow, member.id),
        countcard_times_left=left,
    )


@dataclass(frozen=True)
class TaggedMember:
    member_id: str
    name: str
    phone: str  # masked
    tier_code: str
    balance_fen: int
    points: int


def members_with(ctx: CounterContext, code: str, limit: int = MAX_LISTED) -> list[TaggedMember]:
    """The active members who have the tag now (manual: as set; rule: judged one by one),
    phones masked."""
    code = check_code(code)
    with ctx.reader() as uow:
        row = tag_store.tag(uow, code)
        if row is None:
            raise NotFoundError("tag_unknown", tag=code)
        if row.kind == MANUAL:
            found: list[Member] = list(tag_store.members_tagged(uow, code, limit))
        else:
            found = list(_judged(ctx, uow, check_rule(json.loads(row.rule or "{}")), limit))
        return [
            TaggedMember(m.id, m.name, mask_phone(m.phone), m.tier_code,
                         m.principal_fen + m.bonus_fen, m.points)
            for m in found
        ]  # fmt: skip


def _judged(ctx: CounterContext, uow: UnitOfWork, rule: Rule, limit: int) -> Iterator[Member]:
    found = 0
    after = None
    while found < limit:
        page = tag_store.active_members(uow, after, 500)
        if not page:
            return
        for m in page:
            if holds(rule, member_facts(ctx, uow, m)):
                found += 1
                yield m
                if found >= limit:
                    return
        after = page[-1].id


def export_tagged(ctx: CounterContext, actor: Actor, code: str, path: Path | str) -> dict[str, Any]:
    """Write the members who have the tag now to ``path`` (.xlsx or .csv, safe to open in
    Excel), phones masked (a list for a campaign or a call, not a copy of the members)."""
    from app.services.spreadsheets import write_table  # openpyxl: not at the window's start

    require(actor, Permission.MEMBER_EXPORT)
    path = Path(path)
    if path.suffix.lower() not in (".xlsx", ".csv"):
        raise ValidationError("export_format", path=str(path))
    members = members_with(ctx, code)
    with ctx.reader() as uow:
        tier_names = {t.code: t.name for t in load_rules(uow).tiers}
    en = current_language() == "en"
    headers = [c[1] if en else c[0] for c in EXPORT_COLUMNS]
    rows = (
        [m.member_id, m.name, m.phone, tier_names.get(m.tier_code, m.tier_code),
         Decimal(m.balance_fen).scaleb(-2), m.points]
        for m in members
    )  # fmt: skip
    count = write_table(path, headers, rows)
    with ctx.uow() as uow:
        info = {"file": path.name, "tag": check_code(code), "members": count}
        record(ctx, uow, actor, action="member.export", entity="export", entity_id=None,
               before=None, after=info, event_type=None, payload={})  # fmt: skip
        uow.commit()
    return {"path": str(path), "members": count, "phones_masked": True}


EXPORT_COLUMNS = (
    ("会员编号", "Member id"),
    ("姓名", "Name"),
    ("手机号", "Phone"),
    ("等级", "Tier"),
    ("储值余额", "Balance"),
    ("积分", "Points"),
)
