"""Core benchmarks on a big counter database: lookup, checkout, search (figures, not tests).

    .venv/bin/python -m tests.benchmarks.bench_core [--members N] [--data-dir DIR]

builds (once; later runs reuse it) a counter database with N members
(default 1,000,000), their cards and pinyin search keys, and measures

- lookup by card and by full phone through the service layer
  (``lookup.show_member``, and ``resolve_member`` on ``ctx.lookup()``; for
  comparison also inside an ORM unit of work, ``ctx.reader()``)
  against the same indexed query in raw ``sqlite3``;
- a full stored-value checkout with ``synchronous=FULL`` against a raw
  ``sqlite3`` transaction writing the same rows;
- name-prefix and pinyin-initials search (``find_members``);

then writes the figures into their section of ``docs/benchmarks.md``.

The schema comes from the real migrations (``open_counter``); the store, its
staff and everything the benchmark itself does go through the services. Only
the bulk load of members uses raw ``executemany``, writing the rows
``register_member`` writes (member, card, search keys, the ``register``
transaction, its hash-chained audit entry and its outbox event, marked pushed),
so the audit chain of the built database verifies (``--verify`` checks it).
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import datetime as dt
import functools
import json
import os
import platform
import pstats
import random
import shutil
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from app.domain.audit import GENESIS, canonical_json, chain_hash, payload_hash
from app.domain.cards import generate_card_no
from app.domain.ids import uuid7
from app.domain.phone import mask_phone
from app.persistence.db import DB_FILENAME
from app.ports import FixedClock
from app.services.checkout import checkout
from app.services.context import CounterContext, open_counter
from app.services.hashing import Hasher
from app.services.lookup import find_members, resolve_member, show_member
from app.services.maintenance import verify_audit
from app.services.recording import audit_content
from app.services.search_keys import search_keys
from app.services.security import Actor, sign_in
from app.services.staff import add_staff
from app.services.store import init_store
from app.services.stored_value import top_up

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "benchmarks.md"
BEGIN, END = "<!-- bench_core:begin -->", "<!-- bench_core:end -->"
# Not trivial PINs: the counter refuses 1234, 9999 and the like.
ADMIN_PIN, MANAGER, CASHIER = "9512", ("m01", "5826"), ("c01", "1470")
BUILD_INFO = "bench-build.json"
PROBE = "commit-probe.sqlite3"  # a scratch database next to the counter's, same disk
BATCH = 20_000
SHANGHAI = dt.timezone(dt.timedelta(hours=8))

# Common surnames, roughly by frequency (the first ones are drawn far more often).
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚"
    "邵万钱严覃武戴莫孔向汤"
)
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "令狐", "慕容")
GIVEN_CHARS = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英华玉兰萍红鹏辉建国志文斌宇浩然欣怡梓涵子轩"
    "雨晨思佳琪博俊凯鑫淑珍秀云飞燕颖婷雪梅海波亮峰林晓东春玲丹宁嘉琳瑶宏健荣德新凤莉倩彬帆"
    "诗语睿泽一诺可馨乐天慧心安"
)
GIVEN_NAMES = (
    "秀英",
    "桂英",
    "秀兰",
    "玉兰",
    "桂兰",
    "建华",
    "建国",
    "志强",
    "文博",
    "子涵",
    "梓涵",
    "浩然",
    "欣怡",
    "雨涵",
    "宇轩",
    "思远",
    "俊杰",
    "晓燕",
    "海燕",
    "丽娟",
    "国强",
    "春梅",
    "红梅",
    "丽华",
)
PHONE_PREFIXES = (
    *(f"13{d}" for d in range(10)),
    "145", "147", "150", "151", "152", "153", "155", "156", "157", "158", "159",
    "166", "172", "173", "175", "176", "177", "178",
    *(f"18{d}" for d in range(10)),
    "191", "193", "195", "196", "197", "198", "199",
)  # fmt: skip
SOURCES = ("counter",) * 8 + ("wechat", "import")
# The member columns the bulk load writes, in the order of its rows (joined_on is kept by the
# schema's triggers from the register transactions).
MEMBER_COLUMNS = (
    "id", "name", "phone", "phone_last4", "gender", "birthday", "email", "address",
    "referrer_id", "source", "consent_at", "status", "card_id", "tier_code", "tier_overridden",
    "cumulative_spend_fen", "principal_fen", "bonus_fen", "points", "pay_password_hash",
    "pay_password_failures", "created_at", "created_by", "updated_at",
)  # fmt: skip


# -- building the database -----------------------------------------------------------------


def _ts(value: dt.datetime) -> str:
    """A naive UTC datetime as SQLAlchemy stores it in SQLite."""
    return f"{value:%Y-%m-%d %H:%M:%S}.{value.microsecond:06d}"


def _name(rng: random.Random) -> str:
    if rng.random() < 0.004:
        surname = rng.choice(COMPOUND_SURNAMES)
    else:  # a skewed pick: 王/李/张/刘/陈 are the commonest
        surname = SURNAMES[min(int(rng.expovariate(1 / 18)), len(SURNAMES) - 1)]
    r = rng.random()
    if r < 0.25:
        given = rng.choice(GIVEN_CHARS)
    elif r < 0.35:
        given = rng.choice(GIVEN_NAMES)
    else:
        given = rng.choice(GIVEN_CHARS) + rng.choice(GIVEN_CHARS)
    return surname + given


def _phones(rng: random.Random, n: int) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    while len(out) < n:
        phone = rng.choice(PHONE_PREFIXES) + f"{rng.randrange(10**8):08d}"
        if phone not in seen:
            seen.add(phone)
            out.append(phone)
    return out


@dataclass
class Staffing:
    store_device_id: str
    cashier_id: str


def _create_store(data_dir: Path, at: dt.datetime) -> Staffing:
    """The store and its staff, set up at ``at`` (UTC), before every member."""
    clock = FixedClock(at.replace(tzinfo=dt.UTC))
    ctx = open_counter(data_dir, clock=clock, hasher=Hasher.fast())  # the real migrations
    try:
        init_store(ctx, code="B001", name="基准测试门店", admin_pin=ADMIN_PIN)
        admin = sign_in(ctx, "admin", ADMIN_PIN)
        add_staff(ctx, admin, staff_no=MANAGER[0], name="王店长", role="manager", pin=MANAGER[1])
        add_staff(ctx, admin, staff_no=CASHIER[0], name="李收银", role="cashier", pin=CASHIER[1])
        cashier = sign_in(ctx, *CASHIER)
        with ctx.reader() as uow:
            store = uow.store()
            assert store is not None
            return Staffing(store.device_id, cashier.staff_id)
    finally:
        ctx.close()


def build(
    data_dir: Path, members: int, seed: int, *, until: dt.datetime | None = None
) -> dict[str, Any]:
    """Create the database with ``members`` registered members over the three years before
    ``until`` (naive UTC; default now); returns what was built."""
    started = time.perf_counter()
    now = until or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    first = now - dt.timedelta(days=3 * 365)
    staffing = _create_store(data_dir, first - dt.timedelta(days=1))
    rng = random.Random(seed)
    keys_of = functools.lru_cache(maxsize=None)(search_keys)
    phones = _phones(rng, members)
    card_digits = rng.sample(range(10**9), members)
    step = (now - dt.timedelta(days=1) - first) / members

    con = sqlite3.connect(data_dir / DB_FILENAME, isolation_level=None)
    con.execute("PRAGMA synchronous=OFF")  # a bulk load, redone from scratch if interrupted
    con.execute("PRAGMA cache_size=-1000000")
    con.execute("PRAGMA foreign_keys=ON")
    prev_hash = con.execute("SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()[0]
    device_seq = con.execute("SELECT MAX(device_seq) FROM outbox").fetchone()[0]
    search_key_rows = 0
    for start in range(0, members, BATCH):
        rows: dict[str, list[tuple]] = {
            t: [] for t in ("member", "card", "key", "txn", "audit", "outbox")
        }
        for i in range(start, min(start + BATCH, members)):
            at = first + step * i + dt.timedelta(microseconds=rng.randrange(1_000_000))
            ts = _ts(at)
            member_id, card_id, txn_id = uuid7(), uuid7(), uuid7()
            name, phone = _name(rng), phones[i]
            card_no = generate_card_no(f"{card_digits[i]:09d}")
            gender = rng.choice(("m", "f", None))
            birthday = (
                dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(58 * 365))
                if rng.random() < 0.6
                else None
            )
            email = f"m{i}@example.cn" if rng.random() < 0.1 else None
            source = rng.choice(SOURCES)
            rows["member"].append(
                (member_id, name, phone, phone[-4:], gender, birthday and birthday.isoformat(),
                 email, None, None, source, ts, "active", card_id, "normal", 0, 0, 0, 0, 0, None,
                 0, ts, staffing.cashier_id, ts)
            )  # fmt: skip
            rows["card"].append((card_id, card_no, member_id, "active", ts, None))
            rows["key"].extend((member_id, k) for k in keys_of(name))
            business_date = at.replace(tzinfo=dt.UTC).astimezone(SHANGHAI).date().isoformat()
            rows["txn"].append(
                (txn_id, "register", member_id, staffing.cashier_id, ts, business_date)
            )
            state = {
                "status": "active", "tier": "normal", "principal_fen": 0, "bonus_fen": 0,
                "points": 0, "cumulative_spend_fen": 0, "card_id": card_id,
            }  # fmt: skip
            entry = SimpleNamespace(
                at=at,
                staff_id=staffing.cashier_id,
                approved_by=None,
                action="member.register",
                entity="member",
                entity_id=member_id,
                before=None,
                after=canonical_json({**state, "name": name, "phone": mask_phone(phone)}),
            )
            entry_hash = chain_hash(prev_hash, audit_content(entry))  # type: ignore[arg-type]
            rows["audit"].append(
                (ts, entry.staff_id, None, entry.action, "member", member_id, None, entry.after,
                 prev_hash, entry_hash)
            )  # fmt: skip
            prev_hash = entry_hash
            profile = {
                "member_id": member_id, "name": name, "phone": phone, "gender": gender,
                "birthday": birthday.isoformat() if birthday else None, "email": email,
                "address": None, "referrer_id": None, "source": source,
                "consent_at": at.isoformat(), "tier": "normal",
            }  # fmt: skip
            body = {
                "txn_id": txn_id,
                "member": profile,
                "card": {"card_id": card_id, "card_no": card_no},
                "staff_id": staffing.cashier_id,
                "approved_by": None,
                "at": at.isoformat(),
            }
            device_seq += 1
            pushed = _ts(at + dt.timedelta(seconds=rng.randint(1, 90)))
            rows["outbox"].append(
                (device_seq, uuid7(), staffing.store_device_id, "member.registered",
                 canonical_json(body), payload_hash(body), ts, pushed)
            )  # fmt: skip
        con.execute("BEGIN IMMEDIATE")
        con.executemany(
            f"INSERT INTO member ({', '.join(MEMBER_COLUMNS)})"
            f" VALUES ({','.join('?' * len(MEMBER_COLUMNS))})",
            rows["member"],
        )
        con.executemany("INSERT INTO card VALUES (?,?,?,?,?,?)", rows["card"])
        con.executemany("INSERT INTO member_search_key (member_id, key) VALUES (?,?)", rows["key"])
        con.executemany(
            "INSERT INTO txn (id, kind, member_id, staff_id, created_at, business_date,"
            " amount_fen, discount_fen, points_used, points_value_fen, due_fen, bonus_fen,"
            " points_earned, points_shortfall) VALUES (?,?,?,?,?,?,0,0,0,0,0,0,0,0)",
            rows["txn"],
        )
        con.executemany(
            "INSERT INTO audit_log (at, staff_id, approved_by, action, entity, entity_id, before,"
            " after, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?)",
            rows["audit"],
        )
        con.executemany("INSERT INTO outbox VALUES (?,?,?,?,?,?,?,?)", rows["outbox"])
        con.execute("COMMIT")
        search_key_rows += len(rows["key"])
        done = min(start + BATCH, members)
        if done % 100_000 == 0 or done == members:
            print(f"  {done:,} members ({time.perf_counter() - started:.0f} s)", flush=True)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return {
        "members": members,
        "seed": seed,
        "search_keys": search_key_rows,
        "distinct_names": keys_of.cache_info().currsize,
        "built_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "build_seconds": round(time.perf_counter() - started, 1),
        "complete": True,
    }


def prepare(
    data_dir: Path, members: int, seed: int, *, until: dt.datetime | None = None
) -> tuple[dict[str, Any], bool]:
    """Reuse a complete build of the same size, or (re)build; returns (build info, reused)."""
    info_path = data_dir / BUILD_INFO
    if info_path.exists():
        info = json.loads(info_path.read_text(encoding="utf-8"))
        if info.get("complete") and info.get("members") == members:
            return info, True
    if data_dir.exists():
        ours = {
            BUILD_INFO,
            *(f"{db}{x}" for db in (DB_FILENAME, PROBE) for x in ("", "-wal", "-shm")),
        }
        strangers = [p.name for p in data_dir.iterdir() if p.name not in ours]
        if strangers:
            raise SystemExit(f"{data_dir} holds other files ({strangers[:3]}); not touching it")
        shutil.rmtree(data_dir)
    print(f"building {members:,} members in {data_dir} ...", flush=True)
    info = build(data_dir, members, seed, until=until)
    info_path.write_text(json.dumps(info, indent=2), encoding="utf-8")
    return info, False


# -- measuring -----------------------------------------------------------------------------


@dataclass
class Figure:
    name: str
    samples_ns: list[int]

    @property
    def n(self) -> int:
        return len(self.samples_ns)

    def pct(self, p: float) -> float:
        """The p-th percentile in milliseconds (nearest rank)."""
        ordered = sorted(self.samples_ns)
        rank = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
        return ordered[rank] / 1e6

    @property
    def p50(self) -> float:
        return self.pct(50)

    @property
    def p99(self) -> float:
        return self.pct(99)

    @property
    def mean(self) -> float:
        return statistics.fmean(self.samples_ns) / 1e6


def timed(name: str, items: Sequence[Any], fn: Callable[[Any], object]) -> Figure:
    samples = []
    clock = time.perf_counter_ns
    for item in items:
        t0 = clock()
        fn(item)
        samples.append(clock() - t0)
    return Figure(name, samples)


def profile_summary(
    items: Sequence[Any], fn: Callable[[Any], object], top: int = 5, out: str | None = None
) -> str:
    """Where the time of ``fn`` goes: the share spent inside sqlite3 and the top Python frames
    (the whole statistics also written to ``out`` for ``pstats``, when given)."""
    prof = cProfile.Profile()
    prof.enable()
    for item in items:
        fn(item)
    prof.disable()
    if out:
        prof.dump_stats(out)
    entries = pstats.Stats(prof).stats  # type: ignore[attr-defined]
    total = sum(v[2] for v in entries.values())  # (calls, primitive calls, self, cumulative, ...)
    by_module: dict[str, float] = {}
    for (file, _, func), v in entries.items():
        if file == "~":
            key = "sqlite3 (C)" if "sqlite3." in func else "builtins"
        else:
            parts = Path(file).parts
            if "site-packages" in parts:
                key = parts[parts.index("site-packages") + 1]
            elif "app" in parts:
                key = "app." + ".".join(parts[parts.index("app") + 1 :]).removesuffix(".py")
            else:
                key = "stdlib/other"
        by_module[key] = by_module.get(key, 0.0) + v[2]
    per_call = total / len(items) * 1e3
    shares = sorted(by_module.items(), key=lambda kv: -kv[1])[:top]
    share_text = ", ".join(f"{k} {v / total:.0%}" for k, v in shares)
    return f"{per_call:.2f} ms/call under cProfile; self time by package: {share_text}"


def _sample_members(con: sqlite3.Connection, rng: random.Random, n: int) -> list[tuple]:
    """n distinct random registered members: (member_id, name, phone, card_no)."""
    top = con.execute("SELECT MAX(rowid) FROM member").fetchone()[0]
    picked: list[tuple] = []
    seen: set[int] = set()
    while len(picked) < n:
        rowid = rng.randint(1, top)
        if rowid in seen:
            continue
        seen.add(rowid)
        row = con.execute(
            "SELECT m.id, m.name, m.phone, c.card_no FROM member m JOIN card c ON c.id = m.card_id"
            " WHERE m.rowid = ? AND m.status = 'active' AND c.status = 'active'",
            (rowid,),
        ).fetchone()
        if row:
            picked.append(row)
    return picked


def _raw_connection(path: Path) -> sqlite3.Connection:
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=FULL")
    con.execute("PRAGMA foreign_keys=ON")
    con.execute("PRAGMA busy_timeout=10000")
    return con


class RawCheckout:
    """The stored-value checkout's rows, written by hand in one raw sqlite3 transaction.

    Reads only what any implementation must (the member by card, the previous
    audit hash, the next outbox number); writes txn, txn_tender, sv_entry,
    points_lot, points_entry, the member update, audit_log and outbox, with
    the same values, hashes and formats as the service, so the audit chain and
    the ledgers stay valid. Assumes the default rules' 普通 tier (no discount,
    ×1 points), which the sampled members hold.
    """

    def __init__(self, con: sqlite3.Connection, staff_id: str, device_id: str) -> None:
        self.con, self.staff_id, self.device_id = con, staff_id, device_id

    def __call__(self, job: tuple[str, int]) -> None:
        card_no, amount = job
        con = self.con
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        ts = _ts(now)
        con.execute("BEGIN IMMEDIATE")
        try:
            member_id, principal, bonus, points, tier, spend, card_id = con.execute(
                "SELECT m.id, m.principal_fen, m.bonus_fen, m.points, m.tier_code,"
                " m.cumulative_spend_fen, m.card_id FROM card c JOIN member m"
                " ON m.id = c.member_id WHERE c.card_no = ? AND c.status = 'active'",
                (card_no,),
            ).fetchone()
            prev = con.execute("SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
            seq = con.execute("SELECT COALESCE(MAX(device_seq), 0) + 1 FROM outbox").fetchone()[0]
            bonus_part = amount * bonus // (principal + bonus)
            principal_part = amount - bonus_part
            earned = amount // 100
            txn_id, entry_id, lot_id, pentry_id = uuid7(), uuid7(), uuid7(), uuid7()
            day = now.replace(tzinfo=dt.UTC).astimezone(SHANGHAI).date()
            expires = dt.date(day.year + 1, 12, 31)
            con.execute(
                "INSERT INTO txn (id, kind, member_id, staff_id, created_at, business_date,"
                " amount_fen, discount_fen, points_used, points_value_fen, due_fen, bonus_fen,"
                " points_earned, points_shortfall, tier_before, tier_after)"
                " VALUES (?,'checkout',?,?,?,?,?,0,0,0,?,0,?,0,?,?)",
                (txn_id, member_id, self.staff_id, ts, day.isoformat(), amount, amount, earned,
                 tier, tier),
            )  # fmt: skip
            con.execute(
                "INSERT INTO txn_tender (txn_id, method, amount_fen, change_fen)"
                " VALUES (?, 'stored_value', ?, 0)",
                (txn_id, amount),
            )
            con.execute(
                "INSERT INTO sv_entry (entry_id, member_id, txn_id, kind, principal_fen,"
                " bonus_fen, created_at) VALUES (?,?,?,'spend',?,?,?)",
                (entry_id, member_id, txn_id, -principal_part, -bonus_part, ts),
            )
            con.execute(
                "INSERT INTO points_lot (id, member_id, txn_id, points, earned_on, expires_on,"
                " source) VALUES (?,?,?,?,?,?,'checkout')",
                (lot_id, member_id, txn_id, earned, day.isoformat(), expires.isoformat()),
            )
            con.execute(
                "INSERT INTO points_entry (entry_id, member_id, lot_id, txn_id, kind, points,"
                " created_at) VALUES (?,?,?,?,'earn',?,?)",
                (pentry_id, member_id, lot_id, txn_id, earned, ts),
            )
            before = {
                "status": "active", "tier": tier, "principal_fen": principal, "bonus_fen": bonus,
                "points": points, "cumulative_spend_fen": spend, "card_id": card_id,
            }  # fmt: skip
            after = {
                **before,
                "principal_fen": principal - principal_part,
                "bonus_fen": bonus - bonus_part,
                "points": points + earned,
                "cumulative_spend_fen": spend + amount,
            }
            con.execute(
                "UPDATE member SET principal_fen = ?, bonus_fen = ?, points = ?,"
                " cumulative_spend_fen = ?, updated_at = ? WHERE id = ?",
                (after["principal_fen"], after["bonus_fen"], after["points"],
                 after["cumulative_spend_fen"], ts, member_id),
            )  # fmt: skip
            entry = SimpleNamespace(
                at=now, staff_id=self.staff_id, approved_by=None, action="checkout",
                entity="member", entity_id=member_id, before=canonical_json(before),
                after=canonical_json(after),
            )  # fmt: skip
            prev_hash = prev[0] if prev else GENESIS
            con.execute(
                "INSERT INTO audit_log (at, staff_id, approved_by, action, entity, entity_id,"
                " before, after, prev_hash, hash) VALUES (?,?,NULL,?,?,?,?,?,?,?)",
                (ts, self.staff_id, "checkout", "member", member_id, entry.before, entry.after,
                 prev_hash, chain_hash(prev_hash, audit_content(entry))),  # type: ignore[arg-type]
            )  # fmt: skip
            body = {
                "txn_id": txn_id, "member_id": member_id, "business_date": day.isoformat(),
                "amount_fen": amount, "discount_fen": 0, "points_used": 0, "points_value_fen": 0,
                "due_fen": amount,
                "tenders": [{"method": "stored_value", "amount_fen": amount, "change_fen": 0}],
                "points_earned": earned, "cumulative_spend_delta_fen": amount,
                "tier_before": tier, "tier_after": tier, "tier_changes": [],
                "sv_entries": [{"entry_id": entry_id, "kind": "spend",
                                "principal_fen": -principal_part, "bonus_fen": -bonus_part,
                                "reverses": None}],
                "points_lots": [{"lot_id": lot_id, "points": earned,
                                 "earned_on": day.isoformat(), "expires_on": expires.isoformat(),
                                 "source": "checkout"}],
                "points_entries": [{"entry_id": pentry_id, "lot_id": lot_id, "kind": "earn",
                                    "points": earned, "reverses": None}],
                "staff_id": self.staff_id, "approved_by": None, "at": now.isoformat(),
            }  # fmt: skip
            con.execute(
                "INSERT INTO outbox (device_seq, event_id, device_id, type, payload, payload_hash,"
                " created_at) VALUES (?,?,?,'checkout.completed',?,?,?)",
                (seq, uuid7(), self.device_id, canonical_json(body), payload_hash(body), ts),
            )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise


@dataclass
class Row:
    label: str
    figure: Figure
    raw: Figure | None = None
    target: str = ""
    met: bool | None = None
    why: str = ""  # which part of the target was missed
    profile: str = ""


def _ms(value: float) -> str:
    return f"{value:.3f}" if value < 10 else f"{value:.1f}"


def run(args: argparse.Namespace) -> tuple[list[Row], dict[str, Any]]:
    data_dir = Path(args.data_dir)
    info, reused = prepare(data_dir, args.members, args.seed)
    path = data_dir / DB_FILENAME
    rng = random.Random(args.seed + 1)
    ctx = open_counter(data_dir, hasher=Hasher.fast())
    raw = _raw_connection(path)
    try:
        cashier = sign_in(ctx, *CASHIER)
        counts = {
            t: raw.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
            for t in ("member", "card", "member_search_key", "txn", "audit_log", "outbox")
        }
        info = {**info, "reused": reused, "counts": counts, "db_bytes": path.stat().st_size}
        load_before = os.getloadavg() if hasattr(os, "getloadavg") else None
        rows = lookups(ctx, cashier, raw, rng, args)
        rows += checkouts(ctx, cashier, raw, rng, args)
        rows += searches(ctx, cashier, raw, rng, args)
        if load_before is not None:
            info["load"] = (load_before[0], os.getloadavg()[0])
        if args.verify:
            report = verify_audit(ctx, sign_in(ctx, *MANAGER))
            info["verify_audit"] = {"ok": report.ok, "entries": report.entries}
            print(f"verify_audit: ok={report.ok} entries={report.entries}", flush=True)
    finally:
        raw.close()
        ctx.close()
    return rows, info


def lookups(
    ctx: CounterContext,
    actor: Actor,
    raw: sqlite3.Connection,
    rng: random.Random,
    args: argparse.Namespace,
) -> list[Row]:
    sample = _sample_members(raw, rng, args.lookups + args.warmup)
    warm, sample = sample[: args.warmup], sample[args.warmup :]
    # Members at a counter hold points: give each sampled member a lot through a real
    # purchase, so the member view also reads the points about to expire.
    for m in sample + warm:
        checkout(ctx, actor, m[3], 10_000, pay="cash")

    def resolve(query: str) -> None:
        with ctx.lookup() as q:
            resolve_member(ctx, q, query)

    def resolve_in_uow(query: str) -> None:
        with ctx.reader() as uow:
            resolve_member(ctx, uow, query)

    def show(query: str) -> None:
        show_member(ctx, actor, query)

    raw_queries = {
        "card": "SELECT m.* FROM card c JOIN member m ON m.id = c.member_id WHERE c.card_no = ?",
        "phone": "SELECT * FROM member WHERE phone = ? AND status = 'active'",
    }
    out = []
    for key, column in (("card", 3), ("phone", 2)):
        queries = [m[column] for m in sample]
        sql = raw_queries[key]

        def raw_lookup(q: str, sql: str = sql) -> None:
            assert raw.execute(sql, (q,)).fetchone() is not None

        for fn in (show, resolve, resolve_in_uow, raw_lookup):  # warm caches and code paths
            for m in warm:
                fn(m[column])
        raw_fig = timed(f"raw {key}", queries, raw_lookup)
        if key == "card":
            # The statements resolve_member issues, by hand: where the time is not.
            def raw_as_service(q: str) -> None:
                raw.execute("BEGIN")
                card = raw.execute("SELECT * FROM card WHERE card_no = ?", (q,)).fetchone()
                raw.execute("SELECT * FROM member WHERE id = ?", (card[2],)).fetchone()
                raw.execute("ROLLBACK")

            same = timed("raw, resolve_member's statements", queries, raw_as_service)
        for label, fn in (("show_member", show), ("resolve_member in ctx.lookup()", resolve)):
            fig = timed(label, queries, fn)
            ratio_ok, p99_ok = fig.p50 <= 10 * raw_fig.p50, fig.p99 <= 1.0
            out.append(
                Row(
                    f"lookup by {key}: {label}",
                    fig,
                    raw_fig,
                    "≤ 10× raw, p99 ≤ 1 ms",
                    ratio_ok and p99_ok,
                    "ratio and p99"
                    if not (ratio_ok or p99_ok)
                    else ("ratio" if not ratio_ok else "p99"),
                    profile=profile_summary(queries[:300], fn) if args.profile else "",
                )
            )
            print(f"{out[-1].label}: p50 {fig.p50:.3f} p99 {fig.p99:.3f} ms", flush=True)
        # Inside a write operation the member is resolved through the ORM unit of work:
        # not the scan box's path, shown for comparison.
        in_uow = timed("resolve_member in ctx.reader()", queries, resolve_in_uow)
        out.append(Row(f"lookup by {key}: resolve_member in a unit of work (ORM)", in_uow))
        print(f"{out[-1].label}: p50 {in_uow.p50:.3f} p99 {in_uow.p99:.3f} ms", flush=True)
        if key == "card":
            out.append(Row("lookup by card, raw: BEGIN + card + member + ROLLBACK", same))
        print(f"raw {key}: p50 {raw_fig.p50:.4f} p99 {raw_fig.p99:.4f} ms", flush=True)
    return out


def fsync_floor(path: Path, n: int) -> Figure:
    """What one durable commit costs on this disk: a one-row WAL transaction, FULL sync."""
    path.unlink(missing_ok=True)
    con = _raw_connection(path)
    try:
        con.execute("CREATE TABLE probe (id INTEGER PRIMARY KEY, at TEXT)")

        def commit(i: int) -> None:
            con.execute("BEGIN IMMEDIATE")
            con.execute("INSERT INTO probe (id, at) VALUES (?, ?)", (i, _ts(dt.datetime.now())))
            con.execute("COMMIT")

        return timed("commit floor", range(n), commit)
    finally:
        con.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


def checkouts(
    ctx: CounterContext,
    actor: Actor,
    raw: sqlite3.Connection,
    rng: random.Random,
    args: argparse.Namespace,
) -> list[Row]:
    sample = _sample_members(raw, rng, args.checkouts)
    cards = [m[3] for m in sample]
    with ctx.reader() as uow:
        store = uow.store()
        assert store is not None
        device_id = store.device_id
    topups = timed(
        "top_up",
        cards,
        lambda card: top_up(ctx, actor, card, 100_000, rng.choice(("cash", "wechat"))),
    )
    raw_checkout = RawCheckout(raw, actor.staff_id, device_id)
    service_jobs = [(card, rng.randint(1_000, 30_000)) for card in cards]
    raw_jobs = [(card, rng.randint(1_000, 30_000)) for card in cards]
    service_ns: list[int] = []
    raw_ns: list[int] = []
    clock = time.perf_counter_ns
    for (card, amount), raw_job in zip(service_jobs, raw_jobs, strict=True):
        t0 = clock()
        checkout(ctx, actor, card, amount)
        t1 = clock()
        raw_checkout(raw_job)
        t2 = clock()
        service_ns.append(t1 - t0)
        raw_ns.append(t2 - t1)
    fig, raw_fig = Figure("checkout", service_ns), Figure("raw checkout", raw_ns)
    floor = fsync_floor(Path(args.data_dir) / PROBE, len(cards))
    profile = ""
    if args.profile:
        extra = [(m[3], 1_000) for m in sample[:200]]
        profile = profile_summary(extra, lambda job: checkout(ctx, actor, job[0], job[1]))
    print(f"top_up: p50 {topups.p50:.3f} p99 {topups.p99:.3f} ms", flush=True)
    print(f"checkout: p50 {fig.p50:.3f} p99 {fig.p99:.3f} ms", flush=True)
    print(f"raw checkout: p50 {raw_fig.p50:.3f} p99 {raw_fig.p99:.3f} ms", flush=True)
    return [
        Row("raw: a one-row write transaction, synchronous=FULL (the commit floor)", floor),
        Row("top-up (stored value, 1,000 yuan + bonus)", topups),
        Row(
            "checkout, stored value, synchronous=FULL",
            fig,
            raw_fig,
            "p50 ≤ 3 ms",
            fig.p50 <= 3.0,
            profile=profile,
        ),
    ]


def searches(
    ctx: CounterContext,
    actor: Actor,
    raw: sqlite3.Connection,
    rng: random.Random,
    args: argparse.Namespace,
) -> list[Row]:
    sample = _sample_members(raw, rng, args.searches)
    kinds: dict[str, list[str]] = {
        "name prefix (surname + 1 char)": [m[1][:2] for m in sample],
        "name prefix (surname only)": [m[1][0] for m in sample],
        "pinyin initials": [search_keys(m[1])[0] for m in sample],
        "last 4 digits of phone": [m[2][-4:] for m in sample],
    }
    out = []
    for label, queries in kinds.items():

        def find(text: str) -> None:
            assert find_members(ctx, actor, text), text

        for q in queries[:50]:
            find(q)
        fig = timed(label, queries, find)
        target = "p99 ≤ 20 ms" if "last 4" not in label else ""
        out.append(
            Row(
                f"find_members: {label}",
                fig,
                None,
                target,
                fig.p99 <= 20.0 if target else None,
                profile=profile_summary(queries[:200], find) if args.profile else "",
            )
        )
        print(f"{out[-1].label}: p50 {fig.p50:.3f} p99 {fig.p99:.3f} ms", flush=True)
    return out


# -- the report ----------------------------------------------------------------------------


def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = ""
    with contextlib.suppress(OSError, ValueError, IndexError):
        kb = int(Path("/proc/meminfo").read_text().split("\n")[0].split()[1])
        mem = f"{kb / 1024**2:.0f} GB RAM"
    import sqlalchemy

    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory": mem,
        "os": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "sqlalchemy": sqlalchemy.__version__,
    }


def command_line(argv: Sequence[str]) -> str:
    exe = Path(sys.executable)
    with contextlib.suppress(ValueError):
        exe = exe.relative_to(ROOT)
    return " ".join([str(exe), "-m", "tests.benchmarks.bench_core", *argv])


def render(rows: list[Row], info: dict[str, Any], argv: Sequence[str]) -> str:
    m = machine()
    counts = info["counts"]
    lines = [
        BEGIN,
        f"## Core: lookup, checkout, search on {info['members']:,} members",
        "",
        f"- **Command:** `{command_line(argv)}` (from the repository root)",
        f"- **Date:** {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
        f"- **Machine:** {m['cpu']}, {m['cores']} cores, {m['memory']}; {m['os']}",
        f"- **Software:** Python {m['python']}, SQLite {m['sqlite']}, SQLAlchemy {m['sqlalchemy']}",
        f"- **Database:** {counts['member']:,} members, {counts['card']:,} cards, "
        f"{counts['member_search_key']:,} pinyin search keys, {counts['txn']:,} transactions, "
        f"{counts['audit_log']:,} audit entries, {counts['outbox']:,} outbox events; "
        f"{info['db_bytes'] / 1024**3:.2f} GiB; built in {info['build_seconds']:.0f} s"
        f"{' (reused)' if info['reused'] else ''}",
        "",
        "Times in milliseconds, wall clock per call (garbage collector on, as in the app), after",
        "a warm-up; the database is in the OS page cache (a counter's working set). Ratios are",
        "service ÷ raw `sqlite3`."
        + (
            f" Load average during the run: {info['load'][0]:.1f} → {info['load'][1]:.1f} "
            f"on {m['cores']} cores."
            if info.get("load")
            else ""
        ),
        "",
        "| measurement | n | p50 | p99 | raw p50 | raw p99 | ratio p50 | ratio p99 | target "
        "| met |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for r in rows:
        f, w = r.figure, r.raw
        cells = [r.label, f"{f.n:,}", _ms(f.p50), _ms(f.p99)]
        if w is not None:
            cells += [
                _ms(w.p50),
                _ms(w.p99),
                f"{f.p50 / w.p50:.1f}×",
                f"{f.p99 / w.p99:.1f}×",
            ]
        else:
            cells += ["", "", "", ""]
        met = "" if r.met is None else ("yes" if r.met else "**no**")
        cells += [r.target, f"{met} ({r.why})" if r.why and not r.met else met]
        lines.append("| " + " | ".join(cells) + " |")
    profiled = [r for r in rows if r.profile]
    if profiled:
        lines += ["", "Where the time goes (cProfile, self time grouped by package):", ""]
        lines += [f"- {r.label}: {r.profile}" for r in profiled]
    lines += [
        "",
        "Raw baselines: lookups are one indexed `SELECT` on a plain `sqlite3` connection "
        "(card: `card` ⋈ `member` on `card_no`; phone: `member` on the partial unique phone "
        "index). The raw checkout is one `BEGIN IMMEDIATE` transaction with the reads any "
        "implementation needs (member by card, last audit hash, next outbox number) and the "
        "same rows: `txn`, `txn_tender`, `sv_entry`, `points_lot`, `points_entry`, the `member` "
        "update, `audit_log` (hash-chained) and `outbox`, with `synchronous=FULL`. Service and "
        "raw checkouts alternate so both see the same WAL and page-cache state.",
        END,
    ]
    return "\n".join(lines)


def write_doc(section: str, doc: Path = DOC, begin: str = BEGIN, end: str = END) -> None:
    """Replace the section between ``begin`` and ``end`` in ``doc`` (append it if absent)."""
    doc.parent.mkdir(parents=True, exist_ok=True)
    text = doc.read_text(encoding="utf-8") if doc.exists() else ""
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        _, tail = rest.split(end, 1)
        text = head + section + tail
    else:
        if not text:
            text = (
                "# Benchmarks\n\nFigures, not pass/fail tests: each section is written by the "
                "script named in it and says how to reproduce it.\n"
            )
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    doc.write_text(text, encoding="utf-8")


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m tests.benchmarks.bench_core", description=__doc__)
    p.add_argument("--members", type=int, default=1_000_000)
    p.add_argument("--data-dir", help="where the database is built and cached")
    p.add_argument("--seed", type=int, default=20260315)
    p.add_argument("--lookups", type=int, default=2_000, help="lookups per kind (≥ 2,000)")
    p.add_argument("--checkouts", type=int, default=500)
    p.add_argument("--searches", type=int, default=500)
    p.add_argument("--warmup", type=int, default=200)
    p.add_argument("--no-profile", dest="profile", action="store_false")
    p.add_argument("--verify", action="store_true", help="verify the audit chain at the end")
    p.add_argument("--no-doc", dest="doc", action="store_false", help="print, do not write docs")
    args = p.parse_args(argv)
    if args.data_dir is None:
        args.data_dir = str(Path("/tmp") / f"member-counter-bench-{args.members}")
    return args


def main(argv: Sequence[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(argv)
    rows, info = run(args)
    section = render(rows, info, argv)
    if args.doc:
        write_doc(section)
        print(f"wrote {DOC.relative_to(ROOT)}")
    else:
        print(section)


if __name__ == "__main__":
    main()
