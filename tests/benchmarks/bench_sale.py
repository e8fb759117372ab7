"""Cart-sale benchmarks on a big counter database: scan to line, a 50-line sale, the daily
close over a day of cart sales (figures, not tests).

    .venv/bin/python -m tests.benchmarks.bench_sale [--members N] [--items N]
        [--day-sales N] [--data-dir DIR] [--no-doc] [--only sale] [--profile-out FILE]

Sizes default to the issue's (1,000,000 members, 100,000 catalogue items, 100,000 cart
sales in the closed day) and can be scaled with ``BENCH_SALE_MEMBERS``, ``BENCH_SALE_ITEMS``
and ``BENCH_SALE_DAY_SALES`` as well as with the options.

The members are bench_core's (:func:`tests.benchmarks.bench_core.prepare`: the real
migrations, the store and staff through the services, then member, card, pinyin keys,
``register`` transaction, hash-chained audit entry and outbox event per member with
``executemany``), built once and reused. The catalogue is bulk-loaded into the same
database once (``catalogue_category``, ``catalogue_item`` with its pinyin initials,
one valid EAN-13 per item in ``item_barcode``, the pinyin ``item_search_key`` rows; 30 %
of the items with a member price). Each run works on a fresh copy of that database, so
the day it closes is open; it measures, on one :func:`open_counter` context:

1. **Scan to line**: a member is attached to an empty cart, then each scan is
   ``catalogue.find_by_barcode`` and the pricing of the whole draft cart as it stands
   (``held.draft_lines`` + ``cart.price_cart`` in a read-only unit of work), the cart
   growing to 50 lines; baseline: the barcode looked up in raw ``sqlite3`` in the same run.
2. **A 50-line member sale** (``sale.sell``, stored value, ``synchronous=FULL``);
   baseline: a raw ``sqlite3`` transaction writing the same rows the service wrote for the
   sale before it (txn, txn_cart, 50 txn_line, txn_tender, sv_entry, points_lot,
   points_entry, the member's update, the hash-chained audit entry, the outbox event, with
   new ids and hashes), after the reads any implementation needs (the member by card, the
   50 items, the chain heads). Service and raw sales alternate.
3. **The daily close** over ``--day-sales`` cart sales of the current business date,
   bulk-written as the service writes them (txn, txn_cart, ≈ 5 txn_line each, tenders,
   stored-value top-ups and spends, points lots and entries, the members' balances),
   plus the sales of step 2: the Z report computed (``closing.z_report``, a preview,
   repeated) and ``closing.close_day`` once, end to end (the automatic backup after the
   close is turned off: it copies the whole database and is not the close); baseline: the
   day's four aggregates in raw SQL (bench_manager's floor).

Figures go into this script's section of ``docs/benchmarks.md``. ``--only sale`` runs the
sale part alone and prints its figures (the docs are written by the whole run only);
``--profile-out FILE`` keeps the sale's cProfile statistics for ``pstats``.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import functools
import hashlib
import json
import os
import random
import shutil
import sqlite3
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from app.domain.audit import GENESIS, canonical_json, chain_hash
from app.domain.cart import price_cart
from app.domain.catalogue import gtin_check_digit
from app.domain.held import CartDraft, DraftLine
from app.domain.ids import uuid7
from app.domain.points import expiry_for
from app.persistence.db import DB_FILENAME
from app.services import catalogue
from app.services.closing import close_day, z_report
from app.services.context import CounterContext, load_rules, open_counter
from app.services.hashing import Hasher
from app.services.held import draft_lines
from app.services.recording import audit_content
from app.services.sale import sell
from app.services.search_keys import search_keys
from app.services.security import Actor, sign_in
from app.services.settings import BackupSettings, set_backup_settings
from app.services.stored_value import top_up
from tests.benchmarks.bench_core import (
    CASHIER,
    MANAGER,
    PROBE,
    Figure,
    _raw_connection,
    _sample_members,
    _ts,
    fsync_floor,
    machine,
    prepare,
    profile_summary,
    timed,
)
from tests.benchmarks.bench_manager import RAW_FLOOR
from tests.benchmarks.docfile import write_section

ROOT = Path(__file__).resolve().parents[2]
BEGIN, END = "<!-- bench_sale:begin -->", "<!-- bench_sale:end -->"
CATALOGUE_INFO = "bench-sale-catalogue.json"
SEED = 20261203
CART_LINES = 50

CATEGORIES = (
    ("DRINK", "饮料", 1000), ("SNACK", "零食", 1000), ("DAIRY", "乳品", 1000),
    ("FRUIT", "水果", 1500), ("VEG", "蔬菜", 1000), ("GRAIN", "粮油", 1000),
    ("MEAT", "肉禽", 1000), ("FROZEN", "冷冻", 1000), ("DAILY", "日化", 1200),
    ("PAPER", "纸品", 1000), ("BABY", "母婴", 2000), ("WINE", "酒水", 500),
    ("TEA", "茶叶", 1000), ("BAKERY", "烘焙", 1000), ("SEASON", "调味", 1000),
    ("HOME", "家居", 1000), ("STAT", "文具", 1000), ("TOY", "玩具", 1000),
    ("PET", "宠物", 1000), ("HEALTH", "保健", 1500),
)  # fmt: skip
BRANDS = (
    "农夫", "康师傅", "统一", "伊利", "蒙牛", "娃哈哈", "旺旺", "三只松鼠", "良品", "金龙鱼",
    "海天", "李锦记", "立白", "蓝月亮", "维达", "清风", "双汇", "雀巢", "光明", "百事",
    "可口", "达利", "徐福记", "好丽友", "乐事", "奥利奥", "王老吉", "加多宝", "元气", "东鹏",
)  # fmt: skip
GOODS = (
    "矿泉水", "纯净水", "绿茶", "红茶", "牛奶", "酸奶", "方便面", "饼干", "薯片", "面包",
    "大米", "食用油", "酱油", "醋", "洗衣液", "洗洁精", "抽纸", "卷纸", "火腿肠", "咖啡",
    "果汁", "可乐", "雪碧", "凉茶", "瓜子", "坚果", "巧克力", "糖果", "牙膏", "洗发水",
)  # fmt: skip
SIZES = ("", "500ml", "550ml", "1L", "1.5L", "250g", "500g", "1kg", "5kg", "12包", "24瓶", "6连包")
UNITS = ("瓶", "袋", "盒", "包", "件", "个", "桶", "罐")
TENDERS = ("cash", "wechat", "alipay", "bankcard")


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value.replace("_", "")) if value else default


# -- the catalogue ----------------------------------------------------------------------------


def ean13(n: int) -> str:
    body = f"69{n:010d}"
    return body + str(gtin_check_digit(body))


def load_catalogue(path: Path, items: int, seed: int) -> dict[str, Any]:
    """``items`` items in 20 categories, bulk-written as ``catalogue.add_item`` writes them."""
    started = time.perf_counter()
    rng = random.Random(seed)
    keys_of = functools.lru_cache(maxsize=None)(search_keys)
    now = _ts(dt.datetime.now(dt.UTC).replace(tzinfo=None))
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA synchronous=OFF")  # a bulk load, redone if interrupted
    con.execute("PRAGMA foreign_keys=ON")
    con.execute("BEGIN IMMEDIATE")
    con.executemany(
        "INSERT INTO catalogue_category (code, name, points_multiplier_permille, active,"
        " updated_at) VALUES (?,?,?,1,?)",
        [(code, name, mult, now) for code, name, mult in CATEGORIES],
    )
    rows, barcodes, keys = [], [], []
    for i in range(items):
        name = rng.choice(BRANDS) + rng.choice(GOODS) + rng.choice(SIZES) + (
            f"{i % 97}号" if rng.random() < 0.3 else "")  # fmt: skip
        price = max(50, min(int(rng.lognormvariate(7.0, 0.9)), 50_000))  # ¥0.50–500, ~¥11
        member = {"*": price * 95 // 100} if rng.random() < 0.3 else {}
        item_id = uuid7()
        found = keys_of(name)
        rows.append(
            (item_id, f"I{i:06d}", name, (found[0] if found else "")[:64], rng.choice(UNITS),
             price, json.dumps(member, sort_keys=True), rng.choice(CATEGORIES)[0],
             int(rng.random() < 0.95), now, now)
        )  # fmt: skip
        barcodes.append((item_id, ean13(i)))
        keys.extend((item_id, k) for k in found)
    con.executemany(
        "INSERT INTO catalogue_item (id, code, name, initials, unit, price_fen, member_prices,"
        " category_code, points_eligible, service, active, created_at, updated_at)"
        " VALUES (?,?,?,?,?,?,?,?,?,0,1,?,?)",
        rows,
    )
    con.executemany("INSERT INTO item_barcode (item_id, barcode, active) VALUES (?,?,1)", barcodes)
    con.executemany("INSERT INTO item_search_key (item_id, key) VALUES (?,?)", keys)
    con.execute("COMMIT")
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return {
        "items": items,
        "search_keys": len(keys),
        "seconds": round(time.perf_counter() - started, 1),
        "complete": True,
    }


def prepare_base(args: argparse.Namespace) -> dict[str, Any]:
    """The members (bench_core's build) and the catalogue, built once in ``data_dir/core``."""
    core = Path(args.data_dir) / "core"
    info, reused = prepare(core, args.members, args.seed)
    marker = Path(args.data_dir) / CATALOGUE_INFO
    cat = json.loads(marker.read_text(encoding="utf-8")) if marker.exists() else {}
    if not (reused and cat.get("complete") and cat.get("items") == args.items):
        if reused and cat:  # another catalogue size: rebuild the members too
            shutil.rmtree(core)
            info, reused = prepare(core, args.members, args.seed)
        print(f"loading {args.items:,} catalogue items ...", flush=True)
        cat = load_catalogue(core / DB_FILENAME, args.items, args.seed)
        marker.write_text(json.dumps(cat, indent=2), encoding="utf-8")
        reused = False
    return {**info, "reused": reused, "catalogue": cat}


def fresh_copy(args: argparse.Namespace) -> Path:
    """A copy of the base database for this run (the run closes a day and writes sales)."""
    run = Path(args.data_dir) / "run"
    shutil.rmtree(run, ignore_errors=True)
    run.mkdir(mode=0o700)
    src = sqlite3.connect(Path(args.data_dir) / "core" / DB_FILENAME)
    src.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    src.close()
    shutil.copyfile(Path(args.data_dir) / "core" / DB_FILENAME, run / DB_FILENAME)
    os.chmod(run / DB_FILENAME, 0o600)
    return run


# -- 1. scan to line --------------------------------------------------------------------------


@dataclass
class ScanFigures:
    scan: Figure  # find_by_barcode + pricing the draft
    find: Figure  # find_by_barcode alone
    price: Figure  # draft_lines + price_cart alone
    raw: Figure
    by_size: dict[int, float]  # lines in the cart → p95 of the scan (ms)


def scans(
    ctx: CounterContext,
    actor: Actor,
    raw: sqlite3.Connection,
    rng: random.Random,
    members: list[tuple],
    args: argparse.Namespace,
) -> tuple[ScanFigures, str]:
    top = raw.execute("SELECT COUNT(*) FROM item_barcode").fetchone()[0]
    raw_sql = (
        "SELECT i.* FROM item_barcode b JOIN catalogue_item i ON i.id = b.item_id"
        " WHERE b.barcode = ? AND b.active = 1"
    )
    carts = [[ean13(rng.randrange(top)) for _ in range(CART_LINES)] for _ in range(args.carts + 2)]
    clock = time.perf_counter_ns
    scan_ns: list[int] = []
    find_ns: list[int] = []
    price_ns: list[int] = []
    raw_ns: list[int] = []
    sizes: dict[int, list[int]] = {}

    def one_cart(codes: list[str], member: tuple, keep: bool) -> None:
        with ctx.reader() as uow:  # attaching the member, once per cart (not a scan)
            row = uow.member(member[0])
            assert row is not None
            tier = load_rules(uow).tier(row.tier_code)
        lines: list[DraftLine] = []
        for code in codes:
            r0 = clock()
            assert raw.execute(raw_sql, (code,)).fetchone() is not None
            t0 = clock()
            view = catalogue.find_by_barcode(ctx, actor, code)
            assert view is not None
            lines.append(DraftLine(view.item.code, 1))
            t1 = clock()
            with ctx.reader() as uow:
                rules = load_rules(uow)
                cart = draft_lines(uow, CartDraft(tuple(lines), member_id=member[0]))
                priced = price_cart(rules, cart, tier)
            t2 = clock()
            assert len(priced.lines) == len(lines)
            if keep:
                raw_ns.append(t0 - r0)
                find_ns.append(t1 - t0)
                price_ns.append(t2 - t1)
                scan_ns.append(t2 - t0)
                sizes.setdefault(len(lines), []).append(t2 - t0)

    for i, codes in enumerate(carts):
        one_cart(codes, members[i % len(members)], keep=i >= 2)  # two carts warm up
    profile = ""
    if args.profile:

        def profiled_cart(k: int) -> None:
            one_cart(carts[k % len(carts)], members[k % len(members)], keep=False)

        profile = profile_summary(range(3), profiled_cart)
    by_size = {n: Figure("", v).pct(95) for n, v in sorted(sizes.items())}
    figs = ScanFigures(
        Figure("scan", scan_ns),
        Figure("find", find_ns),
        Figure("price", price_ns),
        Figure("raw", raw_ns),
        by_size,
    )
    return figs, profile


# -- 2. a 50-line sale ------------------------------------------------------------------------


@dataclass
class Written:
    """The rows one service sale wrote, to be written again by hand with new ids."""

    txn: tuple
    cart: tuple
    lines: list[tuple]
    tenders: list[tuple]
    sv: list[tuple]
    lots: list[tuple]
    entries: list[tuple]
    audit: tuple  # action, entity, before, after
    event_type: str
    payload: str
    ids: list[str]  # every id of the sale that the copy replaces


TXN_COLS = (
    "kind", "member_id", "staff_id", "approved_by", "created_at", "business_date",
    "amount_fen", "discount_fen", "points_used", "points_value_fen", "due_fen", "bonus_fen",
    "points_earned", "points_shortfall", "tier_before", "tier_after", "original_txn_id", "note",
)  # fmt: skip
CART_COLS = (
    "order_discount_bp", "order_discount_amount_fen", "rounding", "list_fen",
    "member_discount_fen", "change_fen", "order_discount_fen", "round_off_fen",
)  # fmt: skip
LINE_COLS = (
    "line_no", "item_code", "item_name", "quantity", "weighed", "unit_price_fen", "list_fen",
    "member_basis", "member_unit_fen", "member_fen", "change_unit_fen", "change_line_fen",
    "changed_fen", "order_discount_fen", "round_off_fen", "after_round_fen", "points_used",
    "points_value_fen", "due_fen", "points_earned", "parts",
)  # fmt: skip


def written_by(raw: sqlite3.Connection, txn_id: str) -> Written:
    one = raw.execute
    txn = one(f"SELECT {', '.join(TXN_COLS)} FROM txn WHERE id = ?", (txn_id,)).fetchone()
    cart = one(f"SELECT {', '.join(CART_COLS)} FROM txn_cart WHERE txn_id = ?", (txn_id,))
    lines = one(
        f"SELECT {', '.join(LINE_COLS)} FROM txn_line WHERE txn_id = ? ORDER BY line_no", (txn_id,)
    ).fetchall()
    tenders = one(
        "SELECT method, amount_fen, change_fen FROM txn_tender WHERE txn_id = ? ORDER BY id",
        (txn_id,),
    ).fetchall()
    sv = one(
        "SELECT entry_id, kind, principal_fen, bonus_fen FROM sv_entry WHERE txn_id = ?",
        (txn_id,),
    ).fetchall()
    lots = one(
        "SELECT id, points, earned_on, expires_on, source FROM points_lot WHERE txn_id = ?",
        (txn_id,),
    ).fetchall()
    entries = one(
        "SELECT entry_id, lot_id, kind, points FROM points_entry WHERE txn_id = ?", (txn_id,)
    ).fetchall()
    audit = one(
        "SELECT action, entity, before, after FROM audit_log ORDER BY seq DESC LIMIT 1"
    ).fetchone()
    event_type, payload = one(
        "SELECT type, payload FROM outbox ORDER BY device_seq DESC LIMIT 1"
    ).fetchone()
    assert txn_id in payload, "the last event is not the sale's"
    ids = [txn_id, *(r[0] for r in sv), *(r[0] for r in lots), *(r[0] for r in entries)]
    return Written(txn, cart.fetchone(), lines, tenders, sv, lots, entries, audit, event_type,
                   payload, ids)  # fmt: skip


class RawSale:
    """A sale's rows written in one raw sqlite3 transaction (synchronous=FULL): the rows the
    service wrote for an earlier sale, with new ids, for another member, with the reads any
    implementation needs and the member's balances, audit chain and outbox kept true."""

    def __init__(self, con: sqlite3.Connection, device_id: str) -> None:
        self.con, self.device_id = con, device_id

    def __call__(self, w: Written, card_no: str, codes: Sequence[str]) -> None:
        con = self.con
        new = {old: uuid7() for old in w.ids}
        txn_id = new[w.ids[0]]
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        ts = _ts(now)
        # Prepared outside the transaction, as the service prices before it writes: the
        # event's body with the new ids, parsed; the before/after of the audit entry.
        body = json.loads(_replace_ids(w.payload, new))
        before_tpl, after_tpl = json.loads(w.audit[2]), json.loads(w.audit[3])
        con.execute("BEGIN IMMEDIATE")
        try:
            member = con.execute(
                "SELECT m.id, m.status, m.tier_code, m.principal_fen, m.bonus_fen, m.points,"
                " m.cumulative_spend_fen, m.card_id FROM card c JOIN member m"
                " ON m.id = c.member_id WHERE c.card_no = ? AND c.status = 'active'",
                (card_no,),
            ).fetchone()
            marks = ",".join("?" * len(codes))
            items = con.execute(
                f"SELECT code, price_fen, member_prices, category_code, points_eligible"
                f" FROM catalogue_item WHERE code IN ({marks})",
                list(codes),
            ).fetchall()
            assert items
            prev = con.execute("SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
            seq = con.execute("SELECT COALESCE(MAX(device_seq), 0) + 1 FROM outbox").fetchone()[0]
            member_id = member[0]
            txn = list(w.txn)
            txn[1], txn[4] = member_id, ts
            con.execute(
                f"INSERT INTO txn (id, {', '.join(TXN_COLS)})"
                f" VALUES ({','.join('?' * (len(TXN_COLS) + 1))})",
                (txn_id, *txn),
            )
            con.execute(
                f"INSERT INTO txn_cart (txn_id, {', '.join(CART_COLS)})"
                f" VALUES ({','.join('?' * (len(CART_COLS) + 1))})",
                (txn_id, *w.cart),
            )
            con.executemany(
                f"INSERT INTO txn_line (txn_id, {', '.join(LINE_COLS)})"
                f" VALUES ({','.join('?' * (len(LINE_COLS) + 1))})",
                [(txn_id, *line) for line in w.lines],
            )
            con.executemany(
                "INSERT INTO txn_tender (txn_id, method, amount_fen, change_fen) VALUES (?,?,?,?)",
                [(txn_id, *t) for t in w.tenders],
            )
            con.executemany(
                "INSERT INTO sv_entry (entry_id, member_id, txn_id, kind, principal_fen,"
                " bonus_fen, created_at) VALUES (?,?,?,?,?,?,?)",
                [(new[e], member_id, txn_id, k, p, b, ts) for e, k, p, b in w.sv],
            )
            con.executemany(
                "INSERT INTO points_lot (id, member_id, txn_id, points, earned_on, expires_on,"
                " source) VALUES (?,?,?,?,?,?,?)",
                [(new[lot], member_id, txn_id, *rest) for lot, *rest in w.lots],
            )
            con.executemany(
                "INSERT INTO points_entry (entry_id, member_id, lot_id, txn_id, kind, points,"
                " created_at) VALUES (?,?,?,?,?,?,?)",
                [(new[e], member_id, new[lot], txn_id, k, p, ts) for e, lot, k, p in w.entries],
            )
            before = {
                "status": member[1], "tier": member[2], "principal_fen": member[3],
                "bonus_fen": member[4], "points": member[5], "cumulative_spend_fen": member[6],
                "card_id": member[7],
            }  # fmt: skip
            after = dict(before)
            for key in ("principal_fen", "bonus_fen", "points", "cumulative_spend_fen"):
                after[key] += after_tpl[key] - before_tpl[key]
            con.execute(
                "UPDATE member SET principal_fen = ?, bonus_fen = ?, points = ?,"
                " cumulative_spend_fen = ?, updated_at = ? WHERE id = ?",
                (after["principal_fen"], after["bonus_fen"], after["points"],
                 after["cumulative_spend_fen"], ts, member_id),
            )  # fmt: skip
            entry = SimpleNamespace(
                at=now, staff_id=txn[2], approved_by=None, action=w.audit[0],
                entity=w.audit[1], entity_id=member_id, before=canonical_json(before),
                after=canonical_json(after),
            )  # fmt: skip
            prev_hash = prev[0] if prev else GENESIS
            con.execute(
                "INSERT INTO audit_log (at, staff_id, approved_by, action, entity, entity_id,"
                " before, after, prev_hash, hash) VALUES (?,?,NULL,?,?,?,?,?,?,?)",
                (ts, entry.staff_id, entry.action, entry.entity, member_id, entry.before,
                 entry.after, prev_hash, chain_hash(prev_hash, audit_content(entry))),  # type: ignore[arg-type]
            )  # fmt: skip
            body["member_id"], body["at"] = member_id, now.isoformat()
            text = canonical_json(body)
            digest = hashlib.sha256(text.encode()).hexdigest()  # the payload's hash
            con.execute(
                "INSERT INTO outbox (device_seq, event_id, device_id, type, payload, payload_hash,"
                " created_at) VALUES (?,?,?,?,?,?,?)",
                (seq, uuid7(), self.device_id, w.event_type, text, digest, ts),
            )  # fmt: skip
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise


def _replace_ids(text: str, new: dict[str, str]) -> str:
    for old, fresh in new.items():
        text = text.replace(old, fresh)
    return text


@dataclass
class SaleFigures:
    service: Figure
    raw: Figure
    due_fen: int  # of the first sale, for the doc


def sales(
    ctx: CounterContext,
    actor: Actor,
    raw: sqlite3.Connection,
    rng: random.Random,
    members: list[tuple],
    args: argparse.Namespace,
) -> tuple[SaleFigures, str]:
    top = raw.execute("SELECT COUNT(*) FROM catalogue_item").fetchone()[0]
    device_id = raw.execute("SELECT device_id FROM store").fetchone()[0]
    need = 2 * (args.sales + 3) + (40 if args.profile else 0)
    assert len(members) >= need, "sample more members"
    for m in members[:need]:  # stored value to pay with (and to spare)
        top_up(ctx, actor, m[3], 500_000, "cash")

    def cart() -> list[str]:
        return [f"I{rng.randrange(top):06d}" for _ in range(CART_LINES)]

    write_raw = RawSale(raw, device_id)
    clock = time.perf_counter_ns
    service_ns: list[int] = []
    raw_ns: list[int] = []
    first_due = 0
    for i in range(args.sales + 3):  # three warm up
        svc_member, raw_member = members[2 * i], members[2 * i + 1]
        codes = cart()
        lines = [DraftLine(code, rng.choice((1, 1, 1, 2, 3))) for code in codes]
        t0 = clock()
        result = sell(ctx, actor, lines, member=svc_member[3], pay="stored_value")
        t1 = clock()
        w = written_by(raw, result.txn_id)
        r0 = clock()
        write_raw(w, raw_member[3], codes)
        r1 = clock()
        if i >= 3:
            service_ns.append(t1 - t0)
            raw_ns.append(r1 - r0)
        else:
            first_due = first_due or result.due_fen
    profile = ""
    if args.profile:
        spare = iter(members[2 * (args.sales + 3) : need])

        def one(_: int) -> None:
            lines = [DraftLine(code, 1) for code in cart()]
            sell(ctx, actor, lines, member=next(spare)[3], pay="stored_value")

        profile = profile_summary(range(40), one, out=args.profile_out)
    return SaleFigures(Figure("sell", service_ns), Figure("raw", raw_ns), first_due), profile


# -- 3. the daily close -----------------------------------------------------------------------


def write_day_of_sales(
    con: sqlite3.Connection,
    day: dt.date,
    n: int,
    members: list[str],
    staff: list[str],
    rng: random.Random,
) -> dict[str, int]:
    """``n`` cart sales dated ``day``, written as ``sale.sell`` writes them: 60 % to members
    (a quarter of those with stored value, topped up that day when short), the rest walk-in
    customers (cash with change, WeChat, Alipay, bank card); 1–9 lines each."""
    items = con.execute(
        "SELECT code, name, price_fen, member_prices FROM catalogue_item ORDER BY code"
    ).fetchall()
    items = [(c, nm, p, json.loads(mp).get("*")) for c, nm, p, mp in items]
    expires = expiry_for(day).isoformat()
    bd = day.isoformat()
    start = dt.datetime.combine(day, dt.time(1, 0))  # naive UTC: 09:00 in Shanghai
    step = dt.timedelta(seconds=12 * 3600 / n)
    rows: dict[str, list[tuple]] = {k: [] for k in ("txn", "cart", "line", "tender", "sv",
                                                    "lot", "entry")}  # fmt: skip
    balance: dict[str, tuple[int, int]] = {}  # principal, bonus
    points: dict[str, tuple[int, int]] = {}  # points, spend
    counts = {"sales": 0, "walk_in": 0, "topups": 0, "lines": 0}
    for i in range(n):
        when = _ts(start + step * i)
        who = staff[i % len(staff)]
        member = rng.choice(members) if rng.random() < 0.6 else None
        tid = uuid7()
        picked = [rng.choice(items) for _ in range(rng.randint(1, 9))]
        lines = []
        for no, (code, name, price, mprice) in enumerate(picked):
            qty = rng.choice((1, 1, 1, 2, 3))
            list_fen = qty * price
            basis, munit = "list", None
            if member is not None and mprice is not None:
                basis, munit = "member_price", mprice
            member_fen = qty * munit if munit is not None else list_fen
            figures = [member_fen, 0, 0, member_fen, 0, 0, member_fen, 0]
            lines.append([no, code, name, qty, 0, price, list_fen, basis, munit, member_fen,
                          None, None, *figures])  # fmt: skip
        list_total = sum(x[6] for x in lines)
        due = sum(x[9] for x in lines)
        tenders: list[tuple[str, int, int]]
        if member is not None and rng.random() < 0.25:
            p, b = balance.get(member, (0, 0))
            if p + b < due:  # a top-up first, with the default rules' bonus
                top = max(100_000, -(-(due - p - b) // 100_000) * 100_000)
                bonus = 15_000 * (top // 100_000)
                up = uuid7()
                rows["txn"].append((up, "topup", member, who, None, when, bd, top, 0, 0, 0, top,
                                    bonus, 0, 0, None, None, None, None))  # fmt: skip
                rows["tender"].append((up, rng.choice(TENDERS), top, 0))
                rows["sv"].append((uuid7(), member, up, "topup", top, bonus, when))
                p, b = p + top, b + bonus
                counts["topups"] += 1
            from_bonus = due * b // (p + b)
            balance[member] = (p - (due - from_bonus), b - from_bonus)
            rows["sv"].append((uuid7(), member, tid, "spend", -(due - from_bonus), -from_bonus,
                               when))  # fmt: skip
            tenders = [("stored_value", due, 0)]
        else:
            method = rng.choice(TENDERS)
            given = -(-due // 10_000) * 10_000 if method == "cash" else due
            tenders = [(method, given, given - due)]
        earned = due // 100 if member is not None else 0
        shares = _largest_remainder(earned, [x[9] for x in lines])
        method = tenders[0][0]
        for line, share in zip(lines, shares, strict=True):
            line[19] = share
            rows["line"].append((tid, *line, json.dumps({method: line[18]})))
        rows["txn"].append(
            (tid, "checkout", member, who, None, when, bd, list_total, list_total - due, 0, 0,
             due, 0, earned, 0, "normal" if member else None, "normal" if member else None,
             None, None)
        )  # fmt: skip
        rows["cart"].append((tid, None, None, "none", list_total, list_total - due, 0, 0, 0))
        rows["tender"].extend((tid, *t) for t in tenders)
        if earned:
            lot = uuid7()
            rows["lot"].append((lot, member, tid, earned, bd, expires, "checkout"))
            rows["entry"].append((uuid7(), member, lot, tid, "earn", earned, when))
        if member is not None:
            pts, spend = points.get(member, (0, 0))
            points[member] = (pts + earned, spend + due)
        counts["sales"] += 1
        counts["walk_in"] += member is None
        counts["lines"] += len(lines)
    con.execute("BEGIN IMMEDIATE")
    con.executemany(f"INSERT INTO txn VALUES ({','.join('?' * 19)})", rows["txn"])
    con.executemany(
        f"INSERT INTO txn_cart (txn_id, {', '.join(CART_COLS)}) VALUES ({','.join('?' * 9)})",
        rows["cart"],
    )
    con.executemany(
        f"INSERT INTO txn_line (txn_id, {', '.join(LINE_COLS)})"
        f" VALUES ({','.join('?' * (len(LINE_COLS) + 1))})",
        rows["line"],
    )
    con.executemany(
        "INSERT INTO txn_tender (txn_id, method, amount_fen, change_fen) VALUES (?,?,?,?)",
        rows["tender"],
    )
    con.executemany(
        "INSERT INTO sv_entry (entry_id, member_id, txn_id, kind, principal_fen, bonus_fen,"
        " created_at) VALUES (?,?,?,?,?,?,?)",
        rows["sv"],
    )
    con.executemany("INSERT INTO points_lot VALUES (?,?,?,?,?,?,?)", rows["lot"])
    con.executemany(
        "INSERT INTO points_entry (entry_id, member_id, lot_id, txn_id, kind, points,"
        " created_at) VALUES (?,?,?,?,?,?,?)",
        rows["entry"],
    )
    con.executemany(
        "UPDATE member SET principal_fen = principal_fen + ?, bonus_fen = bonus_fen + ?"
        " WHERE id = ?",
        [(p, b, m) for m, (p, b) in balance.items()],
    )
    con.executemany(
        "UPDATE member SET points = points + ?, cumulative_spend_fen = cumulative_spend_fen + ?"
        " WHERE id = ?",
        [(p, s, m) for m, (p, s) in points.items()],
    )
    con.execute("COMMIT")
    return counts


def _largest_remainder(total: int, weights: Sequence[int]) -> list[int]:
    whole = sum(weights)
    if not whole:
        return [0] * len(weights)
    shares = [total * w // whole for w in weights]
    order = sorted(range(len(weights)), key=lambda i: -(total * weights[i] % whole))
    for i in order[: total - sum(shares)]:
        shares[i] += 1
    return shares


@dataclass
class CloseFigures:
    preview: Figure  # z_report of the open day, repeated
    close: Figure  # close_day, once
    raw: Figure
    day_txns: dict[str, int]
    lines: int
    net_sales_fen: int


def closes(
    ctx: CounterContext,
    manager: Actor,
    raw: sqlite3.Connection,
    day: dt.date,
    args: argparse.Namespace,
) -> tuple[CloseFigures, str]:
    bd = day.isoformat()
    day_txns = dict(
        raw.execute("SELECT kind, COUNT(*) FROM txn WHERE business_date = ? GROUP BY kind", (bd,))
    )
    lines = raw.execute(
        "SELECT COUNT(*) FROM txn_line l JOIN txn t ON t.id = l.txn_id WHERE t.business_date = ?",
        (bd,),
    ).fetchone()[0]

    def floor(_: int) -> None:
        for sql in RAW_FLOOR:
            raw.execute(sql, (bd,)).fetchall()

    def preview(_: int) -> None:
        report = z_report(ctx, manager, day)
        assert report["sales"]["count"] == day_txns["checkout"]

    for _ in range(2):  # warm the page cache and the code paths
        floor(0)
        preview(0)
    raw_fig = timed("floor", range(args.close_repeat), floor)
    prev_fig = timed("preview", range(args.close_repeat), preview)
    profile = profile_summary(range(2), preview) if args.profile else ""
    t0 = time.perf_counter_ns()
    report = close_day(ctx, manager, day)
    close_fig = Figure("close", [time.perf_counter_ns() - t0])
    assert report["closed"] and report["sales"]["count"] == day_txns["checkout"]
    return CloseFigures(prev_fig, close_fig, raw_fig, day_txns, lines,
                        report["net_sales_fen"]), profile  # fmt: skip


# -- the run and the report -------------------------------------------------------------------


def run(args: argparse.Namespace) -> dict[str, Any]:
    started = time.perf_counter()
    base = prepare_base(args)
    run_dir = fresh_copy(args)
    rng = random.Random(args.seed + 16)
    ctx = open_counter(run_dir, hasher=Hasher.fast())
    path = run_dir / DB_FILENAME
    raw = _raw_connection(path)
    out: dict[str, Any] = {"base": base}
    try:
        cashier, manager = sign_in(ctx, *CASHIER), sign_in(ctx, *MANAGER)
        set_backup_settings(ctx, manager, BackupSettings(auto=False))
        with ctx.reader() as uow:
            day = ctx.business_date(uow)
        need = args.carts + 2 + 2 * (args.sales + 3) + 40
        members = _sample_members(raw, rng, need)
        load = [os.getloadavg()[0]] if hasattr(os, "getloadavg") else []
        if args.only != "sale":
            print("scan to line ...", flush=True)
            out["scan"], out["scan_profile"] = scans(ctx, cashier, raw, rng, members, args)
            print(f"  scan p50 {out['scan'].scan.p50:.2f} p95 {out['scan'].scan.pct(95):.2f} ms",
                  flush=True)  # fmt: skip
        print("50-line sales ...", flush=True)
        out["sale"], out["sale_profile"] = sales(
            ctx, cashier, raw, rng, members[args.carts + 2 :], args
        )
        print(f"  sell p50 {out['sale'].service.p50:.2f} ms, raw {out['sale'].raw.p50:.2f} ms",
              flush=True)  # fmt: skip
        if args.only == "sale":
            return out
        out["floor"] = fsync_floor(run_dir / PROBE, args.sales)  # what one durable commit costs
        print(f"writing {args.day_sales:,} cart sales dated {day} ...", flush=True)
        ids = [r[0] for r in raw.execute("SELECT id FROM member ORDER BY random() LIMIT 50000")]
        staff = [cashier.staff_id]
        t0 = time.perf_counter()
        out["day"] = write_day_of_sales(raw, day, args.day_sales, ids, staff, rng)
        out["day_write_s"] = time.perf_counter() - t0
        print("daily close ...", flush=True)
        out["close"], out["close_profile"] = closes(ctx, manager, raw, day, args)
        print(f"  z preview p50 {out['close'].preview.p50:.0f} ms, close_day "
              f"{out['close'].close.p50:.0f} ms, raw {out['close'].raw.p50:.0f} ms",
              flush=True)  # fmt: skip
        if load:
            load.append(os.getloadavg()[0])
        out["load"] = load
        out["counts"] = {
            t: raw.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
            for t in ("member", "catalogue_item", "item_barcode", "txn", "txn_line")
        }
        out["db_bytes"] = path.stat().st_size
        out["business_date"] = day.isoformat()
    finally:
        raw.close()
        ctx.close()
    out["seconds"] = time.perf_counter() - started
    return out


def command_line(argv: Sequence[str]) -> str:
    exe = Path(sys.executable)
    with contextlib.suppress(ValueError):
        exe = exe.relative_to(ROOT)
    env = " ".join(
        f"{k}={os.environ[k]}"
        for k in ("BENCH_SALE_MEMBERS", "BENCH_SALE_ITEMS", "BENCH_SALE_DAY_SALES")
        if k in os.environ
    )
    return " ".join(p for p in (env, str(exe), "-m tests.benchmarks.bench_sale", *argv) if p)


def _ms(value: float) -> str:
    return f"{value:.2f}" if value < 100 else f"{value:.0f}"


def _row(label: str, f: Figure, w: Figure | None, pct: int, target: str, ok: bool | None) -> str:
    cells = [label, f"{f.n:,}", _ms(f.p50), _ms(f.pct(pct))]
    if w is not None:
        cells += [_ms(w.p50), _ms(w.pct(pct)), f"{f.p50 / w.p50:.1f}×"]
    else:
        cells += ["", "", ""]
    cells += [target, "" if ok is None else ("yes" if ok else "**no**")]
    return "| " + " | ".join(cells) + " |"


def render(out: dict[str, Any], args: argparse.Namespace, argv: Sequence[str]) -> str:
    m = machine()
    s, sale, c = out["scan"], out["sale"], out["close"]
    counts, base, day = out["counts"], out["base"], out["day"]
    load = out.get("load") or []
    load_text = f" Load average {load[0]:.1f} → {load[1]:.1f} on {m['cores']} cores." if len(
        load) == 2 else ""  # fmt: skip
    sizes = ", ".join(f"{n} lines {s.by_size[n]:.1f}" for n in (1, 10, 25, 50) if n in s.by_size)
    lines = [
        BEGIN,
        f"## Cart sale: scan to line, a 50-line sale, the daily close "
        f"({counts['member']:,} members, {counts['catalogue_item']:,} items)",
        "",
        f"- **Command:** `{command_line(argv)}` (from the repository root)",
        f"- **Date:** {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; the whole run "
        f"{out['seconds']:.0f} s",
        f"- **Machine:** {m['cpu']}, {m['cores']} cores, {m['memory']}; {m['os']}",
        f"- **Software:** Python {m['python']}, SQLite {m['sqlite']}, SQLAlchemy {m['sqlalchemy']}",
        f"- **Database:** {counts['member']:,} members (bench_core's build, "
        f"{base['build_seconds']:.0f} s{', reused' if base['reused'] else ''}), "
        f"{counts['catalogue_item']:,} items with {counts['item_barcode']:,} EAN-13 barcodes and "
        f"{base['catalogue']['search_keys']:,} pinyin keys; at the close {counts['txn']:,} "
        f"transactions, {counts['txn_line']:,} sale lines; "
        f"{out['db_bytes'] / 1024**3:.2f} GiB; a fresh copy per run",
        "",
        "Milliseconds, wall clock per call (garbage collector on, as in the app), after a "
        "warm-up; the database in the OS page cache; `synchronous=FULL`, WAL. Each service "
        "figure sits beside its raw `sqlite3` baseline, measured in the same run (interleaved "
        "call by call for the scan and the sale)." + load_text,
        "",
        "| measurement | n | p50 | p95 | raw p50 | raw p95 | ratio p50 | target | met |",
        "|---|---:|---:|---:|---:|---:|---:|---|---|",
        _row("scan to line: find_by_barcode + price the draft (1–50 lines)", s.scan, s.raw, 95,
             "p95 ≤ 30 ms", s.scan.pct(95) <= 30),
        _row("  of which find_by_barcode", s.find, s.raw, 95, "", None),
        _row("  of which draft_lines + price_cart", s.price, None, 95, "", None),
        _row("raw: a one-row write transaction, synchronous=FULL (the commit floor)",
             out["floor"], None, 95, "", None),
        _row("a 50-line member sale (sale.sell, stored value)", sale.service, sale.raw, 95,
             "p50 ≤ 6 ms", sale.service.p50 <= 6),
        _row(f"daily close: z_report of the open day ({c.day_txns.get('checkout', 0):,} sales)",
             c.preview, c.raw, 95, "≤ 1 s", c.preview.pct(95) <= 1000),
        _row("daily close: close_day end to end, once", c.close, c.raw, 95, "≤ 1 s",
             c.close.p50 <= 1000),
    ]  # fmt: skip
    lines += [
        "",
        f"Scan to line, p95 by cart size: {sizes} ms ({args.carts} carts of {CART_LINES} scans, "
        "each with a member attached; the raw baseline is the barcode ⋈ item `SELECT`).",
        "",
        f"The sale: {CART_LINES} lines of random items (quantity 1–3, 30 % of items with a "
        "member price), paid with stored value (topped up before); points earned. The raw "
        "baseline writes, in one `BEGIN IMMEDIATE` transaction, the rows the service wrote for "
        "the sale just before it (txn, txn_cart, 50 txn_line, txn_tender, sv_entry, points_lot, "
        "points_entry, the member's update, the hash-chained audit entry, the outbox event with "
        "its payload hash) with new ids, after reading the member by card, the 50 items and "
        "the chain heads.",
        "",
        f"The closed day: {c.day_txns.get('checkout', 0):,} sales ({day['walk_in']:,} walk-in) "
        f"with {c.lines:,} lines and {c.day_txns.get('topup', 0):,} top-ups, "
        f"bulk-written in {out['day_write_s']:.0f} s as the service writes them (no audit or "
        "outbox rows: the close reads neither), plus the service sales above; net sales "
        f"¥{c.net_sales_fen / 100:,.2f}. The raw baseline is the day's four aggregates "
        "(by kind; tenders; stored value; points), bench_manager's SQL floor. The automatic "
        "backup after the close is turned off for the run (it copies the whole database).",
    ]
    profiled = [
        (label, out[key])
        for label, key in (("scan to line (3 carts)", "scan_profile"),
                           ("50-line sale", "sale_profile"), ("z_report", "close_profile"))
        if out.get(key)
    ]  # fmt: skip
    if profiled:
        lines += ["", "Where the time goes (cProfile, self time grouped by package):", ""]
        lines += [f"- {label}: {text}" for label, text in profiled]
    lines.append(END)
    return "\n".join(lines)


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m tests.benchmarks.bench_sale", description=__doc__)
    p.add_argument("--members", type=int, default=_env_int("BENCH_SALE_MEMBERS", 1_000_000))
    p.add_argument("--items", type=int, default=_env_int("BENCH_SALE_ITEMS", 100_000))
    p.add_argument("--day-sales", type=int, default=_env_int("BENCH_SALE_DAY_SALES", 100_000))
    p.add_argument("--data-dir", help="where the databases are built and cached")
    p.add_argument("--seed", type=int, default=SEED)
    p.add_argument("--carts", type=int, default=40, help="carts of 50 scans")
    p.add_argument("--sales", type=int, default=200, help="50-line sales")
    p.add_argument("--close-repeat", type=int, default=5, help="z_report previews")
    p.add_argument("--no-profile", dest="profile", action="store_false")
    p.add_argument("--no-doc", dest="doc", action="store_false", help="print, do not write docs")
    p.add_argument("--only", choices=("sale",), help="run this part alone and print its figures")
    p.add_argument("--profile-out", help="write the sale's cProfile statistics to this file")
    args = p.parse_args(argv)
    if args.data_dir is None:
        args.data_dir = f"/tmp/member-counter-bench-sale-{args.members}-{args.items}"
    return args


def main(argv: Sequence[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(argv)
    out = run(args)
    if args.only == "sale":
        sale = out["sale"]
        print(
            f"a 50-line sale: n {sale.service.n}, p50 {sale.service.p50:.2f} ms, "
            f"p95 {sale.service.pct(95):.2f} ms; raw p50 {sale.raw.p50:.2f} ms, "
            f"p95 {sale.raw.pct(95):.2f} ms; ratio {sale.service.p50 / sale.raw.p50:.1f}×"
        )
        if out.get("sale_profile"):
            print(out["sale_profile"])
        return
    section = render(out, args, argv)
    if args.doc:
        write_section(BEGIN, END, section)
        print("wrote docs/benchmarks.md")
    else:
        print(section)


if __name__ == "__main__":
    main()
