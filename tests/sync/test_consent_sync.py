"""The consent ledger across stores and HQ (issue 18, point 4), against a real HQ on 127.0.0.1
(SQLite and PostgreSQL): consent granted at one store is at HQ and at every store that holds
the member, and so is its withdrawal; two stores that change it while apart converge on the
later clock; a new counter's snapshot brings the ledger; HQ refuses what a counter may not
record, and the store's sync goes on."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.domain.ids import uuid7
from app.services import consent
from app.services.members import Registration, register_member
from server import consent_tables as ct
from server.quarantine import list_quarantine
from tests.hqkit import Counter, HQServer
from tests.server.test_authority import forge, quarantined

PHONE = "13900000081"


def _state(c: Counter, query: str = PHONE, channel: str = "sms") -> str:
    return next(s.state for s in consent.current_consent(c.ctx, query)
                if (s.purpose, s.channel) == ("marketing", channel))  # fmt: skip


def _two_stores(make_counter) -> tuple[Counter, Counter, str]:
    a, b = make_counter("S001"), make_counter("S002")
    member_id = register_member(
        a.ctx, a.cashier, Registration(name="周一", phone=PHONE, consent=True)
    ).member_id
    a.sync()
    b.sync()
    b.lookup(PHONE)  # held at B from now on
    return a, b, member_id


def _hq_entries(hq: HQServer) -> list[Any]:
    with hq.engine.connect() as conn:
        c = ct.consent_entry.c
        return conn.execute(select(ct.consent_entry).order_by(c.hlc)).all()


def test_a_grant_and_its_withdrawal_reach_every_store_holding_the_member(
    hq: HQServer, make_counter
) -> None:
    a, b, member_id = _two_stores(make_counter)
    consent.grant(a.ctx, a.cashier, PHONE, "marketing", "sms")
    a.sync()
    b.sync()
    assert _state(b) == "granted"
    assert consent.may_send(b.ctx, member_id, "marketing", "sms") is True
    (row,) = _hq_entries(hq)
    assert (row.member_id, row.store_code, row.granted, row.wording_version) == (
        member_id, "S001", True, "mkt-sms-v1")  # fmt: skip
    # B withdraws (the member asked there); A learns it, and sends nothing more.
    consent.withdraw(b.ctx, b.cashier, PHONE, "marketing", "sms")
    b.sync()
    a.sync()
    assert _state(a) == "withdrawn" == _state(b)
    assert consent.may_send(a.ctx, member_id, "marketing", "sms") is False
    assert [(r.store_code, r.granted) for r in _hq_entries(hq)] == [("S001", True),
                                                                    ("S002", False)]  # fmt: skip
    # The same entries everywhere: the ledger replicated whole.
    ids = [e.entry_id for e in consent.history(a.ctx, PHONE)]
    assert ids == [e.entry_id for e in consent.history(b.ctx, PHONE)]
    assert ids == [r.entry_id for r in _hq_entries(hq)]
    assert list_quarantine(hq.engine) == []


def test_a_marketing_consent_ticked_at_registration_replicates(hq: HQServer,
                                                               make_counter) -> None:  # fmt: skip
    a, b = make_counter("S001"), make_counter("S002")
    m = register_member(a.ctx, a.cashier, Registration(
        name="郑", phone=PHONE, consent=True, marketing_consent=True))  # fmt: skip
    a.sync()
    (row,) = _hq_entries(hq)
    assert (row.member_id, row.source) == (m.member_id, "registration")
    b.sync()
    b.lookup(PHONE)  # a fetch brings the member with their ledger
    assert _state(b) == "granted"


def test_two_stores_apart_converge_on_the_later_clock(hq: HQServer, make_counter) -> None:
    """A grants, B (later, by its clock) withdraws, both offline; A grants on another
    channel and re-grants nothing before B's clock: whatever order they sync in, every copy
    ends with B's withdrawal."""
    a, b, member_id = _two_stores(make_counter)
    consent.grant(a.ctx, a.cashier, PHONE, "marketing", "sms")
    a.sync()
    b.sync()
    consent.withdraw(a.ctx, a.cashier, PHONE, "marketing", "sms")  # A's, earlier
    consent.grant(b.ctx, b.cashier, PHONE, "marketing", "wechat")
    b.clock.advance(seconds=5)
    consent.withdraw(b.ctx, b.cashier, PHONE, "marketing", "sms")  # B's: later by its clock
    a.clock.advance(seconds=1)
    consent.grant(a.ctx, a.cashier, PHONE, "marketing", "sms")  # A again, still before B's
    b.sync()
    a.sync()
    b.sync()
    assert _state(a) == "withdrawn" == _state(b)
    assert _state(a, channel="wechat") == "granted" == _state(b, channel="wechat")
    assert consent.may_send(a.ctx, member_id, "marketing", "sms") is False
    # HQ's own fold of its entries says the same.
    from app.domain.consent import Entry, current

    hq_now = current(Entry(**{k: getattr(r, k) for k in Entry.__dataclass_fields__})
                     for r in _hq_entries(hq))  # fmt: skip
    assert hq_now[(member_id, "marketing", "sms")].granted is False
    assert len(consent.history(a.ctx, PHONE)) == len(_hq_entries(hq)) == 5


def test_a_new_counter_takes_the_ledger_with_its_snapshot(hq: HQServer, make_counter) -> None:
    a, _b, member_id = _two_stores(make_counter)
    consent.grant(a.ctx, a.cashier, PHONE, "marketing", "sms")
    consent.grant(a.ctx, a.cashier, PHONE, "transactional", "wechat")
    a.sync()
    a2 = make_counter("S001")  # a second counter of the same store
    a2.sync()
    assert _state(a2) == "granted"
    assert consent.may_send(a2.ctx, member_id, "transactional", "wechat") is True
    # Its own write after that is later than the ones it received.
    consent.withdraw(a2.ctx, a2.cashier, PHONE, "marketing", "sms")
    a2.sync()
    a.sync()
    assert _state(a) == "withdrawn"


def test_hq_refuses_what_a_counter_may_not_record(hq: HQServer, make_counter) -> None:
    """Each forgery about a member of its own (a refused event's member waits behind it)."""
    a, b, _member_id = _two_stores(make_counter)
    stranger = register_member(  # A's member, never held at B
        a.ctx, a.cashier, Registration(name="钱", phone="13900000099", consent=True)
    ).member_id
    a.sync()
    phones = iter(f"1370000{n:04d}" for n in range(100))

    def granted() -> str:
        phone = next(phones)
        register_member(b.ctx, b.cashier, Registration(name="吴", phone=phone, consent=True))
        b.sync()
        consent.grant(b.ctx, b.cashier, phone, "marketing", "sms")
        return phone

    def entry(**more: Any):
        def change(ev: dict[str, Any]) -> None:
            ev["payload"]["entry"].update(**more)

        return change

    granted()
    quarantined(forge(b, entry(wording_version="mkt-sms-v9")), "hq_consent_wording")
    granted()
    quarantined(forge(b, entry(wording_version="txn-sms-v1")), "hq_consent_wording")
    granted()
    quarantined(forge(b, entry(store_code="S001")), "hq_consent_store")
    granted()
    quarantined(forge(b, entry(staff_no="9999")), "hq_consent_staff")
    granted()
    quarantined(forge(b, entry(purpose="spam")), "hq_schema")
    granted()
    quarantined(forge(b, entry(granted=False)), "hq_schema")  # a grant that says withdrawn
    granted()

    def two_days_ahead(ev: dict[str, Any]) -> None:  # it would outlast every withdrawal
        wall, rest = ev["payload"]["entry"]["hlc"].split("-", 1)
        ev["payload"]["entry"]["hlc"] = f"{int(wall) + 2 * 86_400_000:013d}-{rest}"

    quarantined(forge(b, two_days_ahead), "hq_consent_clock_ahead")
    granted()

    def someone_else(member_id: str):
        def change(ev: dict[str, Any]) -> None:
            ev["payload"]["member_id"] = member_id
            ev["payload"]["entry"]["member_id"] = member_id

        return change

    quarantined(forge(b, someone_else(stranger)), "hq_consent_scope")  # not B's to record
    granted()
    quarantined(forge(b, someone_else(uuid7())), "hq_member_unknown")
    honest = granted()  # B's later events go on
    b.sync()
    assert _state(b, honest) == "granted"
    held = _hq_entries(hq)
    assert [r.store_code for r in held] == ["S002"]
    a.sync()
    assert _state(a, "13900000099") == "none"  # the forgery reached no one
