"""Member import and migration (会员导入与迁移) from an old system's CSV or Excel file.

1. **Read** the file: CSV in UTF-8, UTF-8 with BOM or GBK (detected), or .xlsx; the header
   row found among title and blank rows (or named), a two-level merged header read as one
   (:mod:`app.services.table_header`).
2. **Map columns** to fields: guessed from the common Chinese and English headers of the
   synonym table (:mod:`app.services.import_columns`, docs/import.md), overridable field by
   field; the old system's tier names mapped to tiers here by name or ``tier_map``.
3. **Check every row** with the rules of registration (:func:`clean_registration`):
   name, mainland mobile (full-width digits, +86, spaces accepted), birthday, gender,
   e-mail, card number; opening balances and points must be non-negative amounts. Cells
   as spreadsheets keep them (phones and dates as numbers, birthdays without a year,
   未知 genders, statuses) are read by :mod:`app.services.import_values`.
4. **De-duplicate**: within the file by normalised phone and card number (the very
   same row twice is skipped; two different rows with one phone or card are an
   error), and against the database (a phone that is already an active member is
   skipped and reported, its balances not imported; a card number another member
   holds is an error).
5. A **dry run** stops here and reports row by row what would happen.
6. The **import** writes every member of the file in one transaction (members, cards,
   pinyin keys, an ``import`` transaction each with ``migration`` ledger entries for
   the opening principal, bonus and points, an audit entry and a ``member.imported``
   outbox event each, and one audit entry for the batch). Rows with errors refuse the
   whole import unless ``skip_errors`` is given; any failure midway (or a progress
   callback that raises, e.g. the user cancelling) rolls everything back.

Imported members are recorded as consenting under the old system's consent (the
manager who imports attests to it; the batch is audited with the file's SHA-256).
Migrated points get the expiry of points earned on the day of the import.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from app.domain.audit import GENESIS, canonical_json, chain_hash, payload_hash
from app.domain.cards import generate_card_no
from app.domain.errors import CounterError, RuleError, ValidationError
from app.domain.events import birthday_wire
from app.domain.ids import uuid7
from app.domain.messages import render
from app.domain.money import parse_yuan
from app.domain.phone import mask_phone
from app.domain.points import expiry_for
from app.domain.pricing import tier_for_spend
from app.domain.rules import Rules
from app.domain.text import check_text
from app.persistence import bulk, syncstore
from app.persistence.uow import UnitOfWork
from app.services.context import CounterContext, load_rules
from app.services.import_columns import (
    FIELDS,
    REQUIRED,
    check_tier_map,
    field_of,
    guess_mapping,
    header_key,
    parse_mapping,
    parse_tier_map,
    resolve_mapping,
    tier_code,
)
from app.services.import_values import (
    date_text,
    gender_text,
    moment,
    month_day,
    phone_text,
    status_of,
)
from app.services.members import Cleaned, Registration, clean_registration
from app.services.recording import audit_content, envelope
from app.services.search_keys import search_keys
from app.services.security import Actor, Permission, require
from app.services.spreadsheets import Table, read_table

PROGRESS_EVERY = 1000
BATCH = 2000
NOTES_MAX = 500
HOME_STORE_MAX = 64

Progress = Callable[[str, int, int], None]  # (stage "check" | "write", done, total)

__all__ = [
    "FIELDS",
    "REQUIRED",
    "ImportReport",
    "RowResult",
    "guess_mapping",
    "import_members",
    "parse_mapping",
    "read_members_table",
    "resolve_mapping",
]  # fmt: skip


@dataclass(frozen=True)
class RowResult:
    line: int  # the row's number in the file, as a spreadsheet shows it
    action: str  # create | duplicate | exists | skipped (not a member) | error
    name: str
    phone: str  # normalised when valid, else as in the file
    card_no: str | None = None
    principal_fen: int = 0
    bonus_fen: int = 0
    points: int = 0
    code: str | None = None  # why (for duplicate, exists and error rows)
    params: dict[str, Any] = field(default_factory=dict)
    tier: str | None = None  # the tier here (its code) the row comes in at
    status: str = "active"  # the card's state: active | frozen | lost | cancelled
    birthday: str | None = None  # YYYY-MM-DD, or MM-DD without a year
    gender: str | None = None  # m | f | None (not stated)
    notes: str | None = None
    registered_at: str | None = None  # the old system's registration time (ISO)
    home_store: str | None = None

    @property
    def message(self) -> str | None:
        return render(self.code, **self.params) if self.code else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "action": self.action,
            "name": self.name,
            "phone": self.phone,
            "card_no": self.card_no,
            "principal_fen": self.principal_fen,
            "bonus_fen": self.bonus_fen,
            "points": self.points,
            "tier": self.tier,
            "status": self.status,
            "birthday": self.birthday,
            "gender": self.gender,
            "notes": self.notes,
            "registered_at": self.registered_at,
            "home_store": self.home_store,
            "code": self.code,
            "message": self.message,
        }


@dataclass(frozen=True)
class Column:
    """What the import understood of one column of the file."""

    column: str  # its header ("储值信息/赠送余额" for a two-level one)
    field: str | None  # the member field it fills; None: not imported
    values: dict[str, str] = field(default_factory=dict)  # tier/status: file value -> here

    def as_dict(self) -> dict[str, Any]:
        return {"column": self.column, "field": self.field, "values": dict(self.values)}


@dataclass
class ImportReport:
    file: str
    encoding: str
    mapping: dict[str, str]
    rows: list[RowResult]
    dry_run: bool
    imported: bool = False
    batch_id: str | None = None
    header_lines: tuple[int, ...] = (1,)
    columns: list[Column] = field(default_factory=list)
    tier_names: dict[str, str] = field(default_factory=dict)  # the store's tiers: code -> name

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(("create", "duplicate", "exists", "skipped", "error"), 0)
        for r in self.rows:
            out[r.action] += 1
        return out

    def totals(self) -> dict[str, int]:
        creates = [r for r in self.rows if r.action == "create"]
        return {
            "members": len(creates),
            "principal_fen": sum(r.principal_fen for r in creates),
            "bonus_fen": sum(r.bonus_fen for r in creates),
            "points": sum(r.points for r in creates),
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "encoding": self.encoding,
            "header_lines": list(self.header_lines),
            "mapping": self.mapping,
            "columns": [c.as_dict() for c in self.columns],
            "dry_run": self.dry_run,
            "imported": self.imported,
            "batch_id": self.batch_id,
            "counts": self.counts(),
            "totals": self.totals(),
            "rows": [r.as_dict() for r in self.rows],
        }


class ImportRefusedError(RuleError):
    """The import was refused (rows with errors); ``report`` says which rows and why."""

    def __init__(self, report: ImportReport, errors: int) -> None:
        super().__init__("import_has_errors", errors=errors)
        self.report = report


# -- reading one row ---------------------------------------------------------------------


def _money(text: str) -> int:
    text = (text or "").strip()
    return parse_yuan(text, allow_zero=True, grouping=True) if text else 0


# Points as old systems write them: 1200, 1,200 or 1200.0 (a spreadsheet's number).
_POINTS = re.compile(r"(?P<n>[0-9]+|[1-9][0-9]{0,2}(?:,[0-9]{3})+)(?:\.0{1,2})?")


def _points(text: str) -> int:
    cleaned = unicodedata.normalize("NFKC", text or "").strip()
    if not cleaned:
        return 0
    match = _POINTS.fullmatch(cleaned)
    if match is None or len(match["n"]) > 15:
        raise ValidationError("points_invalid", value=text)
    return int(match["n"].replace(",", ""))


@dataclass
class _Row:
    line: int
    cleaned: Cleaned | None
    principal: int = 0
    bonus: int = 0
    points: int = 0
    spend: int = 0
    raw_name: str = ""
    raw_phone: str = ""
    error: CounterError | None = None
    action: str = "create"
    code: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    tier: str | None = None  # named in the file (mapped to a tier here); None: by spend
    status: str = "active"
    birthday_md: str | None = None
    notes: str | None = None
    registered_at: dt.datetime | None = None
    home_store: str | None = None

    def signature(self) -> tuple[Any, ...]:
        return (self.cleaned, self.principal, self.bonus, self.points, self.spend, self.tier,
                self.status, self.birthday_md, self.notes, self.registered_at,
                self.home_store)  # fmt: skip

    def birthday(self) -> str | None:
        c = self.cleaned
        if c is not None and c.birthday is not None:
            return c.birthday.isoformat()
        return self.birthday_md

    def result(self) -> RowResult:
        c = self.cleaned
        return RowResult(
            line=self.line,
            action=self.action,
            name=c.name if c else self.raw_name,
            phone=c.phone if c else self.raw_phone,
            card_no=c.card_no if c else None,
            principal_fen=self.principal,
            bonus_fen=self.bonus,
            points=self.points,
            code=self.code,
            params=dict(self.params),
            tier=self.tier,
            status=self.status,
            birthday=self.birthday(),
            gender=c.gender if c else None,
            notes=self.notes,
            registered_at=self.registered_at.isoformat(" ") if self.registered_at else None,
            home_store=self.home_store,
        )


@dataclass(frozen=True)
class _Tiers:
    rules: Rules
    names: Mapping[str, str]  # --tier-map: the old system's tier -> a tier here

    def code(self, value: str) -> str:
        found = tier_code(self.rules, self.names, value)
        if found is None:
            raise ValidationError("import_tier_unknown", value=value,
                                  tiers="、".join(t.name for t in self.rules.tiers))  # fmt: skip
        return found


def _limited(text: str, fld: str, limit: int, code: str) -> str | None:
    cleaned = check_text(text.strip(), fld, multiline=fld == "notes") or None
    if cleaned and len(cleaned) > limit:
        raise ValidationError(code, max=limit)
    return cleaned


def _read_row(
    line: int, cells: list[str], cols: dict[str, int], today: dt.date, tiers: _Tiers
) -> _Row:
    def get(fld: str) -> str:
        i = cols.get(fld)
        return cells[i].strip() if i is not None else ""

    row = _Row(line=line, cleaned=None, raw_name=get("name"), raw_phone=get("phone"))
    try:
        birthday = get("birthday")
        row.birthday_md = month_day(birthday)
        row.cleaned = clean_registration(
            Registration(
                name=get("name"),
                phone=phone_text(get("phone")),
                consent=True,
                birthday=None if row.birthday_md else (date_text(birthday) or None),
                gender=gender_text(get("gender")),
                email=get("email") or None,
                address=get("address") or None,
                source="import",
                card_no=get("card_no") or None,
            ),
            today,
        )
        row.principal = _money(get("principal"))
        row.bonus = _money(get("bonus"))
        row.spend = _money(get("spend"))
        row.points = _points(get("points"))
        row.tier = tiers.code(get("tier")) if get("tier") else None
        row.status = status_of(get("status"))
        row.notes = _limited(get("notes"), "notes", NOTES_MAX, "notes_length")
        row.home_store = _limited(get("home_store"), "home_store", HOME_STORE_MAX,
                                  "home_store_length")  # fmt: skip
        row.registered_at = moment(get("registered_at"))
        if row.status == "cancelled":
            # As the app's own 注销 leaves it: no stored value, no points; said in the run.
            balance, points = row.principal + row.bonus, row.points
            row.principal = row.bonus = row.points = 0
            row.code = "import_cancelled_balance" if balance or points else "import_cancelled"
            row.params = {"balance": balance, "points": points} if balance or points else {}
    except CounterError as exc:
        row.action, row.code, row.params = "error", exc.code, dict(exc.params)
    return row


# A totals line of an old system's export (合计 / 总计 / 小计, 本页合计 of a paged one).
_TOTALS = re.compile(r"(?:本页|当页|本表|全部|总)?(?:合计|总计|小计|共计)")


def _header_words(table: Table) -> set[str]:
    """The file's own header texts (a two-level header's parents and children too)."""
    words = set(table.headers) | set(table.children or ())
    words |= {part for h in table.headers for part in h.split("/")}
    return {header_key(w) for w in words if w.strip()}


def _not_a_member(
    line: int, cells: list[str], cols: dict[str, int], words: set[str]
) -> _Row | None:
    """A row that is no member: a totals line, or the header repeated on a later page of a
    paged export (every cell of it a header name). Skipped and reported, never read."""

    def get(fld: str) -> str:
        i = cols.get(fld)
        return cells[i].strip() if i is not None else ""

    filled = [c.strip() for c in cells if c.strip()]
    row = _Row(line=line, cleaned=None, raw_name=get("name"), raw_phone=get("phone"),
               action="skipped")  # fmt: skip
    if len(filled) >= 2 and all(field_of(c) is not None or header_key(c) in words for c in filled):
        row.code = "import_row_header"
        return row
    digits = re.sub(r"[^0-9]", "", unicodedata.normalize("NFKC", get("phone")))
    if len(digits) < 11:  # a totals line has no member's phone
        for cell in filled:
            text = re.sub(r"\s", "", unicodedata.normalize("NFKC", cell))
            if len(text) <= 30 and _TOTALS.match(text):
                row.code, row.params = "import_row_totals", {"text": cell}
                return row
    return None


def _plan(
    uow: UnitOfWork,
    table: Table,
    mapping: dict[str, str],
    today: dt.date,
    tiers: _Tiers,
    progress: Progress,
) -> list[_Row]:
    cols = {f: table.headers.index(h) for f, h in mapping.items()}
    total = len(table.rows)
    rows: list[_Row] = []
    by_phone: dict[str, _Row] = {}
    by_card: dict[str, _Row] = {}
    words = _header_words(table)
    for i, cells in enumerate(table.rows):
        skipped = _not_a_member(table.line(i), cells, cols, words)
        if skipped is not None:
            rows.append(skipped)
            continue
        row = _read_row(table.line(i), cells, cols, today, tiers)
        rows.append(row)
        if row.action == "create" and row.cleaned is not None:
            c = row.cleaned
            # A cancelled member holds no phone (a member may have joined again since).
            cancelled = row.status == "cancelled"
            first = (None if cancelled else by_phone.get(c.phone)) or (
                by_card.get(c.card_no) if c.card_no else None
            )
            if first is not None:
                same = first.signature() == row.signature()
                row.action = "duplicate" if same else "error"
                row.code = "import_duplicate_row" if same else "import_duplicate_conflict"
                row.params = {"line": first.line}
            else:
                if not cancelled:
                    by_phone[c.phone] = row
                if c.card_no:
                    by_card[c.card_no] = row
        if (i + 1) % PROGRESS_EVERY == 0:
            progress("check", i + 1, total)
    creates = [r for r in rows if r.action == "create" and r.cleaned is not None]
    live = [r for r in creates if r.status != "cancelled"]
    existing = bulk.active_members_by_phone(uow, [r.cleaned.phone for r in live])  # type: ignore[union-attr]
    for r in live:
        hit = existing.get(r.cleaned.phone)  # type: ignore[union-attr]
        if hit is not None:
            r.action, r.code = "exists", "import_member_exists"
            r.params = {"name": hit[1], "balance": r.principal + r.bonus, "points": r.points}
    # A cancelled member imported before (the same file again): the same phone and name.
    ended = [r for r in creates if r.status == "cancelled"]
    before = bulk.active_members_by_phone(uow, [r.cleaned.phone for r in ended], "cancelled")  # type: ignore[union-attr]
    for r in ended:
        hit = before.get(r.cleaned.phone)  # type: ignore[union-attr]
        if hit is not None and hit[1] == r.cleaned.name:  # type: ignore[union-attr]
            r.action, r.code, r.params = "exists", "import_cancelled_exists", {"name": hit[1]}
    card_nos = [r.cleaned.card_no for r in creates if r.action == "create" and r.cleaned.card_no]  # type: ignore[union-attr]
    taken = bulk.cards_taken(uow, card_nos)  # type: ignore[arg-type]
    for r in creates:
        if r.action == "create" and r.cleaned.card_no in taken:  # type: ignore[union-attr]
            r.action, r.code = "error", "import_card_taken"
            r.params = {"card_no": r.cleaned.card_no}  # type: ignore[union-attr]
    progress("check", total, total)
    return rows


# -- writing -----------------------------------------------------------------------------


class _Chain:
    """Audit entries and outbox events of a batch, hash-chained and numbered as
    :func:`app.services.recording.record` does, written with executemany."""

    def __init__(self, uow: UnitOfWork, device_id: str, actor: Actor, now: dt.datetime) -> None:
        last_hash, last_seq = uow.chain_heads()
        self.prev = last_hash or GENESIS
        self.seq = last_seq
        self.rules_version = syncstore.rules_version(uow)
        self.device_id = device_id
        self.actor = actor
        self.now = now
        self.audit: list[dict[str, Any]] = []
        self.outbox: list[dict[str, Any]] = []

    def add(self, action: str, entity: str, entity_id: str, after: Any,
            event_type: str, payload: dict[str, Any]) -> None:  # fmt: skip
        values = {
            "at": self.now,
            "staff_id": self.actor.staff_id,
            "approved_by": None,
            "action": action,
            "entity": entity,
            "entity_id": entity_id,
            "before": None,
            "after": canonical_json(after),
        }
        values["prev_hash"] = self.prev
        values["hash"] = self.prev = chain_hash(self.prev, audit_content(SimpleNamespace(**values)))
        self.audit.append(values)
        body = {**payload, **envelope(self.actor, None, self.rules_version),
                "at": self.now.isoformat()}  # fmt: skip
        self.seq += 1
        self.outbox.append(
            {
                "device_seq": self.seq,
                "event_id": uuid7(),
                "device_id": self.device_id,
                "type": event_type,
                "payload": canonical_json(body),
                "payload_hash": payload_hash(body),
                "created_at": self.now,
                "pushed_at": None,
            }
        )

    def flush(self, uow: UnitOfWork) -> None:
        bulk.insert_rows(uow, "audit_log", self.audit)
        bulk.insert_rows(uow, "outbox", self.outbox)
        self.audit, self.outbox = [], []


def _unique_card(used: set[str]) -> str:
    while True:
        card_no = generate_card_no()
        if card_no not in used:
            used.add(card_no)
            return card_no


def _write(
    ctx: CounterContext,
    uow: UnitOfWork,
    actor: Actor,
    rules: Rules,
    creates: list[_Row],
    batch_id: str,
    today: dt.date,
    progress: Progress,
) -> None:
    now = ctx.now()
    store = uow.store()
    chain = _Chain(uow, store.device_id if store else "", actor, now)
    # Generated card numbers: unique in the file and in the database.
    used = {r.cleaned.card_no for r in creates if r.cleaned and r.cleaned.card_no}
    generated = {id(r): _unique_card(used) for r in creates if r.cleaned and not r.cleaned.card_no}
    clash = bulk.cards_taken(uow, list(generated.values()))
    while clash:
        for key, card_no in list(generated.items()):
            if card_no in clash:
                generated[key] = _unique_card(used)
        clash = bulk.cards_taken(uow, list(generated.values()))
    expires = expiry_for(today)
    total = len(creates)
    tables: dict[str, list[dict[str, Any]]] = {}

    def flush() -> None:
        for name in ("member", "card", "member_search_key", "txn", "sv_entry",
                     "points_lot", "points_entry"):  # fmt: skip
            bulk.insert_rows(uow, name, tables.pop(name, []))
        chain.flush(uow)

    for i, r in enumerate(creates):
        c = r.cleaned
        assert c is not None
        mid, cid, tid = uuid7(), uuid7(), uuid7()
        # A tier the file names is kept; else the tier the old system's spend reaches.
        tier = r.tier or tier_for_spend(rules, r.spend).code
        card_no = c.card_no or generated[id(r)]
        # 注销 in the old system: a cancelled member, kept for history (card_cancel's result).
        member_status = "cancelled" if r.status == "cancelled" else "active"
        tables.setdefault("member", []).append({
            "id": mid, "name": c.name, "phone": c.phone, "phone_last4": c.phone[-4:],
            "gender": c.gender, "birthday": c.birthday, "birthday_md": r.birthday_md,
            "email": c.email, "address": c.address,
            "referrer_id": None, "source": "import", "consent_at": now, "status": member_status,
            "card_id": cid, "tier_code": tier, "tier_overridden": False,
            "cumulative_spend_fen": r.spend, "principal_fen": r.principal, "bonus_fen": r.bonus,
            "points": r.points, "pay_password_hash": None, "pay_password_failures": 0,
            "created_at": now, "created_by": actor.staff_id, "updated_at": now,
            "notes": r.notes, "registered_at": r.registered_at, "home_store": r.home_store,
        })  # fmt: skip
        tables.setdefault("card", []).append({
            "id": cid, "card_no": card_no, "member_id": mid, "status": r.status,
            "issued_at": now, "replaced_by": None,
        })  # fmt: skip
        tables.setdefault("member_search_key", []).extend(
            {"member_id": mid, "key": k} for k in search_keys(c.name)
        )
        tables.setdefault("txn", []).append({
            "id": tid, "kind": "import", "member_id": mid, "staff_id": actor.staff_id,
            "approved_by": None, "created_at": now, "business_date": today,
            "amount_fen": r.principal, "discount_fen": 0, "points_used": 0,
            "points_value_fen": 0, "due_fen": 0, "bonus_fen": r.bonus,
            "points_earned": r.points, "points_shortfall": 0, "tier_before": None,
            "tier_after": tier, "original_txn_id": None, "note": batch_id,
        })  # fmt: skip
        sv_entries, lots, point_entries = [], [], []
        if r.principal or r.bonus:
            entry = {"entry_id": uuid7(), "member_id": mid, "txn_id": tid, "kind": "migration",
                     "principal_fen": r.principal, "bonus_fen": r.bonus,
                     "reverses_entry_id": None, "created_at": now}  # fmt: skip
            tables.setdefault("sv_entry", []).append(entry)
            sv_entries.append({"entry_id": entry["entry_id"], "kind": "migration",
                               "principal_fen": r.principal, "bonus_fen": r.bonus,
                               "reverses": None})  # fmt: skip
        if r.points:
            lot_id = uuid7()
            tables.setdefault("points_lot", []).append({
                "id": lot_id, "member_id": mid, "txn_id": tid, "points": r.points,
                "earned_on": today, "expires_on": expires, "source": "migration",
            })  # fmt: skip
            pe = {"entry_id": uuid7(), "member_id": mid, "lot_id": lot_id, "txn_id": tid,
                  "kind": "migration", "points": r.points, "reverses_entry_id": None,
                  "created_at": now}  # fmt: skip
            tables.setdefault("points_entry", []).append(pe)
            lots.append({"lot_id": lot_id, "points": r.points, "earned_on": today.isoformat(),
                         "expires_on": expires.isoformat(), "source": "migration"})  # fmt: skip
            point_entries.append({"entry_id": pe["entry_id"], "lot_id": lot_id,
                                  "kind": "migration", "points": r.points,
                                  "reverses": None})  # fmt: skip
        state = {"status": member_status, "tier": tier, "principal_fen": r.principal,
                 "bonus_fen": r.bonus, "points": r.points, "cumulative_spend_fen": r.spend,
                 "card_id": cid}  # fmt: skip
        if r.status != "active":
            state["card_status"] = r.status
        # What the old system said beyond the profile: only when the file has it, so an
        # import of names and balances sends the event it always has.
        origin = {
            "card_status": r.status if r.status != "active" else None,
            "notes": r.notes,
            "home_store": r.home_store,
            "registered_at": r.registered_at.isoformat() if r.registered_at else None,
        }
        origin = {k: v for k, v in origin.items() if v is not None}  # fmt: skip
        chain.add(
            "member.import", "member", mid,
            {**state, "name": c.name, "phone": mask_phone(c.phone), "batch_id": batch_id,
             "line": r.line},
            "member.imported",
            {
                "txn_id": tid,
                "batch_id": batch_id,
                "business_date": today.isoformat(),
                "member": {
                    "member_id": mid, "name": c.name, "phone": c.phone, "gender": c.gender,
                    "birthday": birthday_wire(c.birthday, r.birthday_md),
                    "email": c.email, "address": c.address, "referrer_id": None,
                    "source": "import", "consent_at": now.isoformat(), "tier": tier,
                },
                "card": {"card_id": cid, "card_no": card_no},
                "cumulative_spend_fen": r.spend,
                "sv_entries": sv_entries,
                "points_lots": lots,
                "points_entries": point_entries,
                **origin,
            },
        )  # fmt: skip
        done = i + 1
        if done % BATCH == 0:
            flush()
        if done % PROGRESS_EVERY == 0 or done == total:
            progress("write", done, total)
    flush()


def _noop(_stage: str, _done: int, _total: int) -> None:
    return None


def _understood(
    table: Table, columns: dict[str, str], cols: dict[str, int], tiers: _Tiers
) -> list[Column]:
    """Per column of the file: the field it fills and, for tiers and statuses, what each
    value in it became."""
    by_header = {h: f for f, h in columns.items()}
    out = []
    for header in table.headers:
        if not header:
            continue
        fld = by_header.get(header)
        values: dict[str, str] = {}
        if fld in ("tier", "status"):
            for cells in table.rows:
                value = cells[cols[fld]].strip()
                if value and value not in values:
                    try:
                        values[value] = tiers.code(value) if fld == "tier" else status_of(value)
                    except ValidationError as exc:
                        values[value] = f"? {render(exc.code, **exc.params)}"
        out.append(Column(header, fld, values))
    return out


def read_members_table(path: Path | str, *, header_row: int | None = None,
                       mapping: Mapping[str, str | None] | None = None) -> Table:  # fmt: skip
    """The member file's table: its header found (or the row ``header_row``) among title
    and blank rows, a two-level header read as one (see :func:`read_table`)."""
    named = {h for h in (mapping or {}).values() if h}

    def is_header(cell: str) -> bool:
        return field_of(cell) is not None or cell in named

    return read_table(path, header_row=header_row, is_header=is_header)


def import_members(
    ctx: CounterContext,
    actor: Actor,
    path: Path | str,
    *,
    mapping: str | Mapping[str, str | None] | None = None,
    dry_run: bool = False,
    skip_errors: bool = False,
    progress: Progress | None = None,
    header_row: int | None = None,
    tier_map: str | Mapping[str, str] | None = None,
) -> ImportReport:
    """Import members from ``path`` (or, with ``dry_run``, only report what would happen).

    ``header_row`` is the header's line in the file (found by itself when not given);
    ``tier_map`` maps the old system's tier names to tiers here (``'VIP=金卡,普通=普卡'``;
    a tier named as one here needs no mapping)."""
    require(actor, Permission.MEMBER_IMPORT)
    progress = progress or _noop
    path = Path(path)
    override = parse_mapping(mapping)
    names = parse_tier_map(tier_map)
    table = read_members_table(path, header_row=header_row, mapping=override)
    columns = resolve_mapping(table.headers, override, table.children)
    cols = {f: table.headers.index(h) for f, h in columns.items()}

    def report_of(rows: list[_Row], tiers: _Tiers, dry: bool) -> ImportReport:
        return ImportReport(str(path), table.encoding, columns, [r.result() for r in rows], dry,
                            header_lines=table.header_lines,
                            columns=_understood(table, columns, cols, tiers),
                            tier_names={t.code: t.name for t in tiers.rules.tiers})  # fmt: skip

    if dry_run:
        with ctx.reader() as uow:
            tiers = _Tiers(load_rules(uow), names)
            check_tier_map(tiers.rules, names)
            rows = _plan(uow, table, columns, ctx.business_date(uow), tiers, progress)
        return report_of(rows, tiers, True)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    with ctx.uow() as uow:
        today = ctx.business_date(uow)  # refuses a closed date
        rules = load_rules(uow)
        tiers = _Tiers(rules, names)
        check_tier_map(rules, names)
        rows = _plan(uow, table, columns, today, tiers, progress)
        report = report_of(rows, tiers, False)
        errors = report.counts()["error"]
        if errors and not skip_errors:
            raise ImportRefusedError(report, errors)
        creates = [r for r in rows if r.action == "create"]
        if not creates:
            return report
        batch_id = uuid7()
        _write(ctx, uow, actor, rules, creates, batch_id, today, progress)
        summary = {"file": path.name, "sha256": digest, "encoding": table.encoding,
                   "mapping": columns, "batch_id": batch_id, "business_date": today.isoformat(),
                   "counts": report.counts(), "totals": report.totals()}  # fmt: skip
        if names:
            summary["tier_map"] = names
        chain = _Chain(uow, uow.store().device_id if uow.store() else "", actor, ctx.now())  # type: ignore[union-attr]
        chain.add("member.import_batch", "import", batch_id, summary, "member.import_batch",
                  summary)  # fmt: skip
        chain.flush(uow)
        uow.commit()
    report.imported = True
    report.batch_id = batch_id
    return report
