"""Member tags across stores and HQ (issue 18, point 1), against a real HQ on 127.0.0.1
(SQLite and PostgreSQL): a tag defined at one store reaches every counter; a manual tag put
on a member at one store is at HQ and at every store that holds the member; two stores that
tag and untag the same member while apart converge (last writer wins); a new counter's
snapshot brings the definitions and the members' tags; HQ refuses what a counter may not do
with tags, and the store's sync goes on."""

from __future__ import annotations

import copy
from typing import Any

from sqlalchemy import select

from app.domain.ids import uuid7
from app.services import tags
from app.services.members import Registration, register_member
from app.services.security import sign_in
from server import tag_tables as tt
from server.quarantine import list_quarantine
from tests.conftest import MANAGER_NO, MANAGER_PIN
from tests.hqkit import Counter, HQServer
from tests.server.test_authority import forge, quarantined

PHONE = "13900000071"


def _tags(c: Counter, query: str = PHONE) -> list[str]:
    return [t.code for t in tags.member_tags(c.ctx, query)]


def _two_stores(make_counter) -> tuple[Counter, Counter, str]:
    a, b = make_counter("S001"), make_counter("S002")
    boss = sign_in(a.ctx, MANAGER_NO, MANAGER_PIN)
    tags.save_tag(a.ctx, boss, code="VIP", name="重要客户", colour="gold")
    tags.save_tag(a.ctx, boss, code="COMPLAINT", name="投诉多", set_by="manager")
    tags.save_tag(a.ctx, boss, code="HIGH", name="高价值", kind="rule",
                  rule={"kind": "spend_12m", "amount_fen": 1})  # fmt: skip
    member_id = register_member(
        a.ctx, a.cashier, Registration(name="周一", phone=PHONE, consent=True)
    ).member_id
    a.sync()
    b.sync()
    b.lookup(PHONE)  # held at B from now on
    return a, b, member_id


def test_a_tag_made_at_one_store_and_put_on_a_member_reaches_the_other(
    hq: HQServer, make_counter
) -> None:
    a, b, member_id = _two_stores(make_counter)
    assert [t.tag.code for t in tags.list_tags(b.ctx)] == ["COMPLAINT", "VIP", "HIGH"]
    assert {t.tag.code: t.store_code for t in tags.list_tags(b.ctx)}["VIP"] == "S001"
    tags.set_tag(a.ctx, a.cashier, PHONE, "VIP")
    a.sync()
    b.sync()
    assert _tags(b) == ["VIP"]
    with hq.engine.connect() as conn:
        row = conn.execute(select(tt.member_tag)).one()
    assert (row.member_id, row.tag_code, row.present) == (member_id, "VIP", True)
    # B takes it off; A learns it.
    tags.set_tag(b.ctx, b.cashier, PHONE, "VIP", present=False)
    b.sync()
    a.sync()
    assert _tags(a) == [] == _tags(b)
    assert list_quarantine(hq.engine) == []


def test_two_stores_apart_converge_on_the_last_write(hq: HQServer, make_counter) -> None:
    """A puts VIP on, B (later, by its clock) takes it off, both offline; whatever order they
    sync in, every copy ends with B's write, and an older write pushed later loses."""
    a, b, _member_id = _two_stores(make_counter)
    tags.set_tag(a.ctx, a.cashier, PHONE, "VIP")
    a.sync()
    b.sync()
    tags.set_tag(a.ctx, a.cashier, PHONE, "VIP", present=False)  # A's, earlier
    b.clock.advance(seconds=5)
    tags.set_tag(b.ctx, b.cashier, PHONE, "VIP", present=False)  # B's: later by its clock
    a.clock.advance(seconds=1)
    tags.set_tag(a.ctx, a.cashier, PHONE, "VIP")  # A again, still before B's
    b.sync()
    a.sync()
    b.sync()
    assert _tags(a) == [] == _tags(b)
    with hq.engine.connect() as conn:
        assert conn.execute(select(tt.member_tag.c.present)).scalar_one() is False


def test_a_new_counter_takes_the_tags_with_its_snapshot(hq: HQServer, make_counter) -> None:
    a, _b, _member_id = _two_stores(make_counter)
    tags.set_tag(a.ctx, a.cashier, PHONE, "VIP")
    a.sync()
    a2 = make_counter("S001")  # a second counter of the same store
    a2.sync()
    assert [t.tag.code for t in tags.list_tags(a2.ctx)] == ["COMPLAINT", "VIP", "HIGH"]
    assert _tags(a2) == ["VIP"]
    # Its own write after that is later than the one it received.
    tags.set_tag(a2.ctx, a2.cashier, PHONE, "VIP", present=False)
    a2.sync()
    a.sync()
    assert _tags(a) == []


def test_hq_refuses_what_a_counter_may_not_do_with_tags(hq: HQServer, make_counter) -> None:
    """Each forgery about a member of its own (a refused event's member waits behind it)."""
    a, b, _member_id = _two_stores(make_counter)
    b_boss = sign_in(b.ctx, MANAGER_NO, MANAGER_PIN)
    tags.save_tag(b.ctx, b_boss, code="OWN", name="本店")
    b.sync()
    phones = iter(f"1370000{n:04d}" for n in range(100))

    def tagged(code: str = "VIP") -> str:
        phone = next(phones)
        register_member(b.ctx, b.cashier, Registration(name="吴", phone=phone, consent=True))
        b.sync()
        tags.set_tag(b.ctx, b.cashier, phone, code)
        return phone

    def set_(code: str, **more: Any):
        def change(ev: dict[str, Any]) -> None:
            ev["payload"].update(tag_code=code, **more)

        return change

    tagged()
    quarantined(forge(b, set_("HIGH")), "hq_tag_not_manual")  # a rule tag set by hand
    tagged()
    quarantined(forge(b, set_("NOPE")), "hq_tag_unknown")
    tagged()
    quarantined(forge(b, set_("COMPLAINT")), "hq_tag_managers_only")  # by a cashier
    tagged()
    quarantined(forge(b, set_("OWN", hlc="not-a-clock")), "hq_schema")
    tagged()

    def two_days_ahead(ev: dict[str, Any]) -> None:  # it would outlast every later change
        wall, rest = ev["payload"]["hlc"].split("-", 1)
        ev["payload"]["hlc"] = f"{int(wall) + 2 * 86_400_000:013d}-{rest}"

    quarantined(forge(b, two_days_ahead), "hq_tag_clock_ahead")
    tagged()

    def another_member(ev: dict[str, Any]) -> None:
        ev["payload"]["member_id"] = uuid7()

    quarantined(forge(b, another_member), "hq_member_unknown")
    tags.save_tag(b.ctx, b_boss, code="OWN", name="本店2")

    def takes_a_tag(ev: dict[str, Any]) -> None:  # B rewrites A's tag
        ev["payload"]["tag"] = {**copy.deepcopy(ev["payload"]["tag"]), "code": "VIP"}

    quarantined(forge(b, takes_a_tag), "hq_tag_foreign")
    honest = tagged("OWN")  # B's later events go on
    b.sync()
    assert _tags(b, honest) == ["OWN"]
    a.sync()
    assert {t.tag.code: t.tag.name for t in tags.list_tags(a.ctx)}["VIP"] == "重要客户"
    with hq.engine.connect() as conn:
        held = conn.execute(select(tt.member_tag.c.tag_code)).scalars().all()
    assert held == ["OWN"]
