"""Another store's members reach a counter without their full number or payment-password
verifier: the masked number, its last 4 digits and the chain's keyed hash of it are enough to
find and serve them; their home store's counters keep everything."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select

from app.domain.errors import AuthenticationError, NotFoundError, RuleError
from app.domain.phone import phone_hash
from app.persistence import phone_keys
from app.services.checkout import checkout
from app.services.lookup import find_members, show_member
from app.services.members import (
    Registration,
    register_member,
    reset_payment_password,
    set_payment_password,
)
from app.services.security import Approval, sign_in
from app.services.stored_value import top_up
from server import redact
from server import tables as t
from sync.pay_passwords import HQPayPasswords
from tests.hqkit import MANAGER_NO, MANAGER_PIN, Counter, HQServer

PHONE = "13912345678"
OK = Approval(MANAGER_NO, MANAGER_PIN)


def member_row(counter: Counter, member_id: str) -> dict:
    conn = sqlite3.connect(str(counter.ctx.db.path))
    conn.row_factory = sqlite3.Row
    try:
        row = conn.execute("SELECT * FROM member WHERE id = ?", (member_id,)).fetchone()
        return dict(row)
    finally:
        conn.close()


def file_bytes(counter: Counter) -> bytes:
    """Everything the counter wrote under its data directory (database, WAL, logs, config)."""
    return b"".join(
        p.read_bytes() for p in sorted(Path(counter.data_dir).rglob("*")) if p.is_file()
    )


def verifier(counter: Counter, member_id: str) -> str:
    found = member_row(counter, member_id)["pay_password_hash"]
    assert found
    return found


def home_member(a: Counter) -> str:
    view = register_member(a.ctx, a.cashier, Registration(name="赵六", phone=PHONE, consent=True))
    top_up(a.ctx, a.cashier, PHONE, 50_000, "cash")
    set_payment_password(a.ctx, a.cashier, PHONE, "135790")
    a.sync()
    return view.member_id


def test_another_store_holds_neither_number_nor_verifier_and_finds_them_by_hash(
    hq: HQServer, make_counter
) -> None:
    a, b = make_counter("S001"), make_counter("S002")
    member = home_member(a)
    card_no = show_member(a.ctx, a.cashier, PHONE).card_no
    first_hash = verifier(a, member)
    b.sync()
    assert [f.member_id for f in b.lookup(PHONE)] == [member]  # fetched: held at B
    row = member_row(b, member)
    assert row["phone"] == "139****5678" and row["phone_last4"] == "5678"
    with hq.engine.connect() as conn:
        key = redact.phone_key(conn)
    assert row["phone_hash"] == phone_hash(key, PHONE)
    assert row["pay_password_hash"] is None and row["pay_password_at_hq"] == 1

    # A later change of the member made at home: a password reset, a top-up. B pulls both
    # without the number or the new verifier; A's stream row keeps them.
    reset_payment_password(a.ctx, a.cashier, PHONE, "246810", OK)
    top_up(a.ctx, a.cashier, PHONE, 10_000, "cash")
    a.sync()
    assert b.sync().pulled >= 2
    second_hash = verifier(a, member)
    assert second_hash != first_hash
    with hq.engine.connect() as conn:
        bodies = dict(
            conn.execute(
                select(t.change.c.store_code, t.change.c.body).where(
                    t.change.c.body.like('%"member.payment_password_set"%')
                )
            ).all()
        )
    assert second_hash in bodies["S001"] and second_hash not in bodies["S002"]
    assert '"password_at_hq":true' in bodies["S002"]

    # A repair (every change about the member, from its home stream) comes redacted too.
    client = b.client()
    try:
        repaired = client.member_changes(member).changes
    finally:
        client.close()
    assert repaired and all(PHONE not in str(c.body) for c in repaired)
    assert all(h not in str(c.body) for c in repaired for h in (first_hash, second_hash))

    hq.stop()  # offline from here: B finds them by the number typed (its hash), card, last 4
    assert show_member(b.ctx, b.cashier, PHONE).member_id == member
    assert show_member(b.ctx, b.cashier, " 139-1234-5678 ").member_id == member
    assert show_member(b.ctx, b.cashier, card_no).member_id == member
    found = find_members(b.ctx, b.cashier, "5678")
    assert [v.member_id for v in found] == [member]
    assert found[0].phone == "139****5678" and found[0].has_payment_password
    manager = sign_in(b.ctx, MANAGER_NO, MANAGER_PIN)  # may see full numbers: has none here
    assert show_member(b.ctx, manager, PHONE).phone == "139****5678"
    assert show_member(a.ctx, sign_in(a.ctx, MANAGER_NO, MANAGER_PIN), PHONE).phone == PHONE
    at_a = show_member(a.ctx, a.cashier, PHONE).stored_value_fen
    assert show_member(b.ctx, b.cashier, PHONE).stored_value_fen == at_a > 60_000
    stored = file_bytes(b)
    assert PHONE.encode() not in stored
    assert first_hash.encode() not in stored and second_hash.encode() not in stored

    # The home store's counter has everything, as before.
    home = member_row(a, member)
    assert home["phone"] == PHONE and home["phone_hash"] is None
    assert home["pay_password_hash"] == second_hash and not home["pay_password_at_hq"]


def hq_failures(hq: HQServer, member_id: str) -> int:
    with hq.engine.connect() as conn:
        return conn.scalar(
            select(t.member.c.pay_password_failures).where(t.member.c.id == member_id)
        )


def test_a_foreign_members_payment_password_is_checked_at_hq_and_refused_offline(
    hq: HQServer, make_counter
) -> None:
    a, b = make_counter("S001"), make_counter("S002")
    member = home_member(a)
    b.lookup(PHONE)
    b.ctx.pay_passwords = HQPayPasswords(b.data_dir)  # as the cashier's window wires it
    balance = show_member(b.ctx, b.cashier, PHONE).stored_value_fen
    with pytest.raises(AuthenticationError) as refused:
        checkout(b.ctx, b.cashier, PHONE, 3_000)
    assert refused.value.code == "payment_password_required"
    with pytest.raises(AuthenticationError) as refused:
        checkout(b.ctx, b.cashier, PHONE, 3_000, payment_password="000000")
    assert refused.value.code == "payment_password_wrong" and "4" in refused.value.message
    assert hq_failures(hq, member) == 1  # counted at HQ
    paid = checkout(b.ctx, b.cashier, PHONE, 3_000, payment_password="135790")
    assert paid.member_id == member and hq_failures(hq, member) == 0
    assert show_member(b.ctx, b.cashier, PHONE).stored_value_fen == balance - 3_000

    for _ in range(5):  # five wrong in a row lock it at HQ, the right one too from then on
        with pytest.raises(AuthenticationError):
            checkout(b.ctx, b.cashier, PHONE, 1_000, payment_password="000000")
    with pytest.raises(AuthenticationError) as refused:
        checkout(b.ctx, b.cashier, PHONE, 1_000, payment_password="135790")
    assert refused.value.code == "payment_password_locked_at_hq"
    assert "所属门店" in refused.value.message
    reset_payment_password(a.ctx, a.cashier, PHONE, "246810", OK)  # at home, with a manager
    a.sync()
    assert hq_failures(hq, member) == 0
    checkout(b.ctx, b.cashier, PHONE, 1_000, payment_password="246810")

    hq.stop()  # offline: refused with the reason; cash and other tenders still work
    before = show_member(b.ctx, b.cashier, PHONE).stored_value_fen
    with pytest.raises(RuleError) as offline:
        checkout(b.ctx, b.cashier, PHONE, 1_000, payment_password="246810")
    assert offline.value.code == "payment_password_at_hq"
    assert "连不上总部" in offline.value.message
    assert show_member(b.ctx, b.cashier, PHONE).stored_value_fen == before
    assert checkout(b.ctx, b.cashier, PHONE, 3_000, pay="cash").member_id == member
    b.ctx.pay_passwords = None  # a counter with no HQ to ask refuses the same way
    with pytest.raises(RuleError):
        checkout(b.ctx, b.cashier, PHONE, 1_000, payment_password="246810")
    # At home the password is checked at the counter as before.
    before = show_member(a.ctx, a.cashier, PHONE).stored_value_fen
    checkout(a.ctx, a.cashier, PHONE, 1_000, payment_password="246810")
    assert show_member(a.ctx, a.cashier, PHONE).stored_value_fen == before - 1_000


def test_a_registration_with_a_held_foreign_members_number_is_a_duplicate(
    hq: HQServer, make_counter
) -> None:
    a, b = make_counter("S001"), make_counter("S002")
    home_member(a)
    b.lookup(PHONE)
    with pytest.raises(RuleError) as refused:
        register_member(b.ctx, b.cashier, Registration(name="赵六", phone=PHONE, consent=True))
    assert refused.value.code == "phone_duplicate"
    assert PHONE not in refused.value.message


def test_a_joining_counter_gets_other_stores_members_without_number_and_a_new_key_rehashes(
    hq: HQServer, make_counter
) -> None:
    a, b = make_counter("S001"), make_counter("S002")
    member = home_member(a)
    b.lookup(PHONE)
    checkout(b.ctx, b.cashier, PHONE, 2_000, pay="cash")
    b.sync()
    fresh = make_counter("S002")  # another counter of store B joins from the snapshot
    fresh.sync()
    row = member_row(fresh, member)
    assert row["phone"] == "139****5678" and row["pay_password_hash"] is None
    assert row["held"] == 1 and row["pay_password_at_hq"] == 1
    assert show_member(fresh.ctx, fresh.cashier, PHONE).member_id == member
    assert PHONE.encode() not in file_bytes(fresh)

    from server.cli import main as hq_main

    with hq.engine.connect() as conn:
        old = redact.phone_key(conn)
    assert hq_main(["--db", hq.url, "phone-key", "rotate"]) == 0
    with hq.engine.connect() as conn:
        key = redact.phone_key(conn)
    assert key != old
    b.lookup(PHONE)  # the new key arrives with a fetch: B joins again at its next round
    b.sync()
    assert member_row(b, member)["phone_hash"] == phone_hash(key, PHONE)
    assert show_member(b.ctx, b.cashier, PHONE).member_id == member


def test_a_counter_upgraded_from_a_release_that_kept_numbers_drops_them_at_its_next_sync(
    hq: HQServer, make_counter
) -> None:
    a, b = make_counter("S001"), make_counter("S002")
    member = home_member(a)
    other = register_member(
        a.ctx, a.cashier, Registration(name="钱七", phone="13987654321", consent=True)
    ).member_id
    a.sync()
    b.lookup(PHONE)
    b.lookup("13987654321")
    verifiers = {member: verifier(a, member), other: None}
    # As an earlier release left them: numbers and verifiers, no key; then migration 0013.
    conn = sqlite3.connect(str(b.ctx.db.path))
    try:
        for member_id, phone in ((member, PHONE), (other, "13987654321")):
            conn.execute(
                "UPDATE member SET phone = ?, phone_hash = NULL, pay_password_hash = ?,"
                " pay_password_at_hq = 0 WHERE id = ?",
                (phone, verifiers[member_id], member_id),
            )
        conn.execute("UPDATE store SET phone_key_id = NULL")
        conn.execute("UPDATE sync_state SET joined_at = NULL")
        conn.commit()
    finally:
        conn.close()
    with hq.engine.begin() as hq_conn:  # B no longer holds the second one
        hq_conn.execute(t.holding.delete().where(t.holding.c.member_id == other))
    b.sync()  # joins again
    held, released = member_row(b, member), member_row(b, other)
    assert (held["phone"], held["pay_password_hash"], held["pay_password_at_hq"]) == (
        "139****5678", None, 1)  # fmt: skip
    assert (released["phone"], released["pay_password_hash"], released["held"]) == (
        "139****4321", None, 0)  # fmt: skip
    assert show_member(b.ctx, b.cashier, "13987654321").member_id == other  # by its hash
    assert member_row(a, other)["phone"] == "13987654321"


def test_the_phone_key_never_reaches_the_counters_file_and_comes_back_with_a_pull(
    hq: HQServer, make_counter
) -> None:
    """A copy of a counter's file does not let anyone hash every mobile number and read the
    other stores' numbers back: the chain's key stays in the process's memory. A counter
    started again offline finds such a member by the masked number; its first pull brings
    the key back and the exact lookup with it."""
    a, b = make_counter("S001"), make_counter("S002")
    member = home_member(a)
    b.lookup(PHONE)
    b.sync()
    with hq.engine.connect() as conn:
        key = redact.phone_key(conn)
    assert show_member(b.ctx, b.cashier, PHONE).member_id == member
    for counter in (a, b):
        assert key.encode() not in file_bytes(counter)
    copy = Path(b.data_dir).parent / "b-copy.sqlite3"
    b.ctx.db.backup_to(copy)
    assert key.encode() not in copy.read_bytes()

    phone_keys.forget_all()  # the counter started again; HQ cannot be reached
    hq.stop()
    with pytest.raises(NotFoundError):
        show_member(b.ctx, b.cashier, PHONE)  # no key: the number cannot be hashed
    # Not by a masked form either: 13900005678 would match it too, and be someone else.
    assert find_members(b.ctx, b.cashier, PHONE) == []
    found = find_members(b.ctx, b.cashier, "5678")  # the last 4: a list to choose from
    assert [v.member_id for v in found] == [member] and found[0].phone == "139****5678"
    hq.start()
    b.sync()  # the pull's answer names the key
    assert show_member(b.ctx, b.cashier, PHONE).member_id == member
    assert key.encode() not in file_bytes(b)


def test_a_device_holds_another_stores_member_only_for_a_reason_hq_can_check(
    hq: HQServer, make_counter
) -> None:
    """Naming a member id is not enough to take them (their balance, card, history): the
    fetch carries what the customer presented (their number or card), or a change of the
    store's own stream that names them; anything else is answered as an unknown member."""
    import json

    from sync import wire
    from tests.hqkit import signed_post

    a, b = make_counter("S001"), make_counter("S002")
    member = home_member(a)
    other = register_member(
        a.ctx, a.cashier, Registration(name="钱七", phone="13987654321", consent=True)
    ).member_id
    card_no = show_member(a.ctx, a.cashier, PHONE).card_no
    a.sync()
    config = b.client().config

    def fetch(**body: object) -> tuple[int, dict]:
        raw = json.dumps({"member_id": member, **body}).encode()
        resp = signed_post(hq.base_url, config.device_id, config.secret, wire.FETCH_PATH, raw)
        return resp.status_code, resp.json()

    def fetch_other() -> int:
        raw = json.dumps({"member_id": other}).encode()
        resp = signed_post(hq.base_url, config.device_id, config.secret, wire.FETCH_PATH, raw)
        return resp.status_code

    # B's own change naming the member: a registration whose address is their id.
    register_member(
        b.ctx, b.cashier,
        Registration(name="孙八", phone="13700000001", consent=True, address=member),
    )  # fmt: skip
    b.sync()
    with hq.engine.connect() as conn:
        own = conn.scalar(
            select(t.change.c.server_seq).where(
                t.change.c.store_code == "S002", t.change.c.body.like(f"%{member}%")
            )
        )
    assert own is not None
    for refused in (
        {}, {"query": "13987654321"}, {"query": other}, {"query": member}, {"server_seq": 1},
        {"server_seq": own},
    ):  # fmt: skip
        status, answer = fetch(**refused)
        assert (status, answer["code"]) == (400, "member_unknown"), refused
    with hq.engine.connect() as conn:
        holds = conn.execute(select(t.holding).where(t.holding.c.store_code == "S002")).all()
    assert holds == []
    # Nor may a store that does not serve them try their payment password (a guess counts).
    guess = json.dumps({"member_id": member, "password": "135790"}).encode()
    resp = signed_post(
        hq.base_url, config.device_id, config.secret, wire.VERIFY_PAY_PASSWORD_PATH, guess
    )
    assert (resp.status_code, resp.json()["code"]) == (400, "member_unknown")

    def lookup(query: str) -> int:
        raw = json.dumps({"query": query}).encode()
        path = wire.LOOKUP_PATH
        return signed_post(hq.base_url, config.device_id, config.secret, path, raw).status_code

    # A counter of the release before sends no reason: its own lookup of what the customer
    # presented, minutes before, is one (an id it looked up is not).
    assert lookup(member) == 200
    assert fetch()[0] == 400
    status, answer = fetch(query=card_no)  # the card the customer handed over
    assert status == 200 and answer["member"]["id"] == member
    assert PHONE not in json.dumps(answer)
    status, _ = fetch()  # held now: fetched again without a reason
    assert status == 200
    assert lookup("13987654321") == 200  # the other member, by number: granted
    assert fetch_other() == 200
    assert [f.member_id for f in b.lookup(PHONE)] == [member]  # the counter sends the number
    resp = signed_post(
        hq.base_url, config.device_id, config.secret, wire.VERIFY_PAY_PASSWORD_PATH, guess
    )
    assert resp.status_code == 200 and resp.json()["status"] == "ok"


def test_the_cli_checkout_asks_hq_for_a_foreign_members_payment_password(
    hq: HQServer, make_counter, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A command is a process of its own: it takes the chain's phone key from HQ before it
    looks a member up by number (and an import, before it checks for members that exist),
    and a stored-value payment of another store's member is checked at HQ."""
    from launcher import main as counter_main
    from tests.hqkit import CASHIER_NO, CASHIER_PIN

    a, b = make_counter("S001"), make_counter("S002")
    member = home_member(a)
    b.lookup(PHONE)
    before = show_member(b.ctx, b.cashier, PHONE).stored_value_fen
    signed = ["--data-dir", str(b.data_dir), "--json", "--staff", CASHIER_NO, "--pin", CASHIER_PIN]

    def pay(password: str) -> int:
        phone_keys.forget_all()  # a new process: no key in memory
        return counter_main([
            *signed, "checkout", PHONE, "--amount", "30", "--payment-password", password,
        ])  # fmt: skip

    assert pay("000000") != 0
    assert "payment_password_wrong" in capsys.readouterr().out
    assert hq_failures(hq, member) == 1
    assert pay("135790") == 0
    assert hq_failures(hq, member) == 0
    assert show_member(b.ctx, b.cashier, PHONE).stored_value_fen == before - 3_000

    sheet = tmp_path / "old-system.csv"
    sheet.write_text("姓名,手机号\n赵六,13912345678\n钱八,13700001111\n", encoding="utf-8")
    phone_keys.forget_all()
    capsys.readouterr()
    manager = ["--data-dir", str(b.data_dir), "--json", "--staff", MANAGER_NO, "--pin", MANAGER_PIN]
    assert counter_main([*manager, "import", "members", str(sheet)]) == 0
    dry_run = capsys.readouterr().out
    assert "import_member_exists" in dry_run and dry_run.count("import_member_exists") == 1

    phone_keys.forget_all()  # a registration with their number: a duplicate, by its hash
    register = [*signed, "member", "register", "--name", "赵六", "--phone", PHONE, "--consent"]
    assert counter_main(register) != 0
    assert "phone_duplicate" in capsys.readouterr().out


def test_a_counter_upgraded_from_a_release_that_kept_the_key_keeps_it_nowhere(
    hq: HQServer, make_counter
) -> None:
    """The release before kept the chain's key in the file. Upgrading moves it into memory:
    the key goes from the database, and from the backups beside it, the one written just
    before the upgrade among them."""
    from alembic import command

    from app.persistence import migrate
    from app.persistence.db import Database, make_engine

    a, b = make_counter("S001"), make_counter("S002")
    home_member(a)
    b.lookup(PHONE)
    with hq.engine.connect() as conn:
        key = redact.phone_key(conn)
    path = b.ctx.db.path
    b.ctx.close()
    engine = make_engine(path)
    with engine.begin() as conn:  # back to the release before: the key on file
        config = migrate._config()
        config.attributes["connection"] = conn
        command.downgrade(config, "0013")
    engine.dispose()
    conn = sqlite3.connect(str(path))
    conn.execute("UPDATE store SET phone_key = ?", (key,))
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    nightly = Path(b.data_dir) / "backups" / "counter-S002-2026-12-01-210000.sqlite3"
    nightly.parent.mkdir(mode=0o700, exist_ok=True)
    nightly.parent.chmod(0o700)  # as the app makes its backups folder: the owner's only
    src = sqlite3.connect(str(path))
    dst = sqlite3.connect(str(nightly))
    src.backup(dst)
    src.close()
    dst.close()
    nightly.chmod(0o600)
    assert key.encode() in nightly.read_bytes()

    upgraded = Database(path)  # the new release opens it: a backup first, then 0016
    try:
        assert upgraded.upgrade_backup is not None and upgraded.upgrade_backup.exists()
    finally:
        upgraded.dispose()
    assert key.encode() not in file_bytes(b)
    for copy in (nightly, upgraded.upgrade_backup):
        con = sqlite3.connect(str(copy))
        try:
            assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert con.execute("SELECT count(*) FROM member").fetchone()[0] >= 1
        finally:
            con.close()
