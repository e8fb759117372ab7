"""The chain's catalogue: set at HQ, pulled by every counter (and in a joining counter's
snapshot), HQ winning over local edits; a counter's own catalogue events checked at HQ."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.domain.errors import CounterError
from app.services import catalogue
from app.services.recording import record
from app.services.security import sign_in
from server import catalogue as hq_catalogue
from server import tables as t
from server.errors import HQError
from tests.conftest import MANAGER_NO, MANAGER_PIN
from tests.hqkit import HQServer

COLA = {"code": "1001", "name": "可口可乐", "price_fen": 350, "unit": "瓶",
        "barcodes": ["6901234567892"], "category": "DRINK",
        "member_prices": {"*": 300, "gold": 280}}  # fmt: skip


def _manager(counter):
    return sign_in(counter.ctx, MANAGER_NO, MANAGER_PIN)


def test_hq_sets_the_catalogue_and_every_counter_pulls_it(hq: HQServer, make_counter) -> None:
    a = make_counter("S001")
    a.sync()
    hq_catalogue.put_category(hq.engine, {"code": "drink", "name": "饮料",
                                          "points_multiplier_permille": 1500})  # fmt: skip
    hq_catalogue.put_item(hq.engine, COLA)
    a.sync()
    found = catalogue.find_by_barcode(a.ctx, a.cashier, "6901234567892")
    assert found is not None and found.item.price_fen == 350
    assert found.category_name == "饮料" and found.points_multiplier_permille == 1500
    assert found.item.member_price_for("gold") == 280 and found.initials == "kkkl"
    # HQ wins: the enrolled counter's own edits are refused and change nothing.
    manager = _manager(a)
    with pytest.raises(CounterError) as err:
        catalogue.update_item(a.ctx, manager, "1001", price_fen=1)
    assert err.value.code == "catalogue_managed_by_hq"
    assert catalogue.show_item(a.ctx, manager, "1001").item.price_fen == 350
    # A change at HQ reaches the counter with its next pull.
    hq_catalogue.put_item(hq.engine, {**COLA, "price_fen": 380})
    a.sync()
    assert catalogue.show_item(a.ctx, manager, "1001").item.price_fen == 380
    hq_catalogue.deactivate_item(hq.engine, "1001")
    a.sync()
    assert catalogue.find_by_barcode(a.ctx, a.cashier, "6901234567892") is None
    # A counter that joins later takes the whole catalogue from its snapshot.
    hq_catalogue.put_item(hq.engine, {**COLA, "code": "1002", "name": "雪碧",
                                      "barcodes": ["036000291452"]})  # fmt: skip
    b = make_counter("S002")
    b.sync()
    assert catalogue.find_by_barcode(b.ctx, b.cashier, "036000291452").item.code == "1002"
    assert catalogue.show_item(b.ctx, b.cashier, "1001").item.active is False
    assert [c.code for c in catalogue.list_categories(b.ctx, b.cashier)] == ["DRINK"]


def test_hq_refuses_a_bad_item(hq: HQServer) -> None:
    hq_catalogue.put_category(hq.engine, {"code": "DRINK", "name": "饮料"})
    hq_catalogue.put_item(hq.engine, COLA)
    before = hq_catalogue.list_catalogue(hq.engine)
    for bad in [
        {**COLA, "barcodes": ["6901234567891"]},  # wrong check digit
        {**COLA, "code": "2", "barcodes": ["6901234567892"]},  # on another active item
        {**COLA, "member_prices": {"platinum": 1}},  # a tier HQ's rules do not have
        {**COLA, "price_fen": -1},
        {**COLA, "category": "NONE"},
    ]:
        with pytest.raises(HQError) as err:
            hq_catalogue.put_item(hq.engine, bad)
        assert err.value.code == "catalogue_invalid"
    assert hq_catalogue.list_catalogue(hq.engine) == before


def _quarantined(hq: HQServer) -> dict[str, str]:
    with hq.engine.connect() as conn:
        rows = conn.execute(
            select(t.quarantine.c.type, t.quarantine.c.code, t.quarantine.c.payload)
        ).all()
    return {json.loads(p).get("item", {}).get("code", r): c for r, c, p in rows}


def test_a_stores_own_catalogue_reaches_hq_and_an_enrolled_edit_is_quarantined(
    hq: HQServer, make_counter
) -> None:
    a = make_counter("S001", enroll=False)
    manager = _manager(a)
    catalogue.add_item(a.ctx, manager, code="OWN1", name="自制豆浆", price_fen=300)
    a.enroll(hq.base_url, hq.new_store("S001"))
    a.sync()
    with hq.engine.connect() as conn:
        types = set(conn.scalars(select(t.event.c.type)))
    assert "catalogue.item_saved" in types  # made before HQ: accepted and kept
    assert _quarantined(hq) == {}
    # A counter that sends a catalogue change while it holds HQ's rules (one that ignored
    # the refusal) is quarantined; so is a malformed one.
    item = {"code": "OWN2", "name": "豆浆", "price_fen": 300, "unit": "杯", "barcodes": [],
            "category": None, "member_prices": {}, "points_eligible": True, "service": False,
            "active": True}  # fmt: skip
    with a.ctx.uow() as uow:
        record(a.ctx, uow, manager, action="item.add", entity="item", entity_id="OWN2",
               before=None, after=item, event_type="catalogue.item_saved",
               payload={"item": item, "action": "add", "enrolled": True})  # fmt: skip
        bad = {**item, "code": "OWN3", "price_fen": 100_000_001}
        record(a.ctx, uow, manager, action="item.add", entity="item", entity_id="OWN3",
               before=None, after=bad, event_type="catalogue.item_saved",
               payload={"item": bad, "action": "add", "enrolled": False})  # fmt: skip
        uow.commit()
    a.sync()
    held = _quarantined(hq)
    assert held["OWN2"] == "hq_catalogue_managed_by_hq"
    assert held["OWN3"] == "hq_schema"
    assert hq_catalogue.list_catalogue(hq.engine)["items"] == []  # HQ's catalogue untouched


def test_member_hq_item_and_category_commands(hq: HQServer, make_counter, capsys, tmp_path):
    from server.cli import main as hq_main

    def run(*args: str) -> tuple[int, dict]:
        code = hq_main(["--db", hq.url, "--json", *args])
        out = capsys.readouterr().out.strip().splitlines()
        return code, json.loads(out[-1]) if out else {}

    code, data = run("category", "set", '{"code": "drink", "name": "饮料"}')
    assert code == 0 and data["categories"][0]["code"] == "DRINK"
    path = tmp_path / "items.json"
    path.write_text(json.dumps([COLA, {**COLA, "code": "1002", "barcodes": []}]), "utf-8")
    code, data = run("item", "set", str(path))
    assert code == 0 and [i["code"] for i in data["items"]] == ["1001", "1002"]
    code, data = run("item", "set", json.dumps({**COLA, "code": "1003"}))  # the same barcode
    assert code == 3 and data["code"] == "catalogue_invalid" and "6901234567892" in data["error"]
    code, data = run("item", "deactivate", "1002")
    assert code == 0 and data["items"][0]["active"] is False
    code, data = run("item", "list")
    assert [(i["code"], i["active"]) for i in data["items"]] == [("1001", True), ("1002", False)]
    a = make_counter("S001")
    a.sync()
    assert catalogue.find_by_code(a.ctx, a.cashier, "1001").item.price_fen == 350
