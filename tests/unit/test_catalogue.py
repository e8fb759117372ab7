"""The catalogue: barcode check digits, items and categories against a real SQLite file."""

from __future__ import annotations

import json
from functools import partial

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.catalogue import Item, gtin_check_digit, gtin_valid, normalise_barcode
from app.domain.errors import CounterError, ValidationError
from app.persistence import syncstore
from app.services import catalogue
from tests.helpers import query, refused

# -- barcodes -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code",
    ["6901234567892", "4006381333931", "96385074", "036000291452", "0036000291452"],
)
def test_real_barcodes_validate(code: str) -> None:
    assert gtin_valid(code)
    stored = normalise_barcode(code)
    assert len(stored) in (8, 13)


def test_upc_a_is_kept_as_its_ean13() -> None:
    assert normalise_barcode("036000291452") == "0036000291452"


def test_wrong_check_digit_is_refused_with_the_right_digit() -> None:
    with pytest.raises(ValidationError) as exc:
        normalise_barcode("6901234567891")
    assert exc.value.code == "barcode_check_digit"
    assert "校验位" in exc.value.message and "应为 2" in exc.value.message


def test_own_codes() -> None:
    assert normalise_barcode(" a-001 ") == "A-001"
    assert normalise_barcode("00123") == "00123"  # five digits: not a GS1 length
    assert normalise_barcode("1234567890") == "1234567890"
    for bad in ["", "含中文", "A B", "x" * 33]:
        with pytest.raises(ValidationError):
            normalise_barcode(bad)


@given(st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_any_12_digits_with_their_check_digit_validate(body: str) -> None:
    code = body + str(gtin_check_digit(body))
    assert gtin_valid(code)
    assert normalise_barcode(code) == code


@given(
    st.text(alphabet="0123456789", min_size=12, max_size=12),
    st.integers(min_value=0, max_value=12),
    st.integers(min_value=1, max_value=9),
)
def test_any_single_digit_change_is_refused(body: str, pos: int, delta: int) -> None:
    code = body + str(gtin_check_digit(body))
    changed = code[:pos] + str((int(code[pos]) + delta) % 10) + code[pos + 1 :]
    assert not gtin_valid(changed)
    with pytest.raises(ValidationError) as exc:
        normalise_barcode(changed)
    assert exc.value.code == "barcode_check_digit"


@given(st.text(alphabet="0123456789", min_size=7, max_size=7))
def test_ean8_check_digit(body: str) -> None:
    code = body + str(gtin_check_digit(body))
    assert gtin_valid(code)
    assert not gtin_valid(code[:-1] + str((int(code[-1]) + 1) % 10))


def test_member_price_above_list_price_is_refused() -> None:
    with pytest.raises(ValidationError) as exc:
        Item.cleaned(code="A1", name="x", price_fen=100, member_prices={"*": 101})
    assert exc.value.code == "member_price_above_price"


# -- services -------------------------------------------------------------------------------


def _cola(ctx, manager, **more):
    return catalogue.add_item(
        ctx, manager, code="1001", name="可口可乐", price_fen=350,
        barcodes=["6901234567892"], unit="瓶", **more,
    )  # fmt: skip


def test_add_item_writes_rows_audit_and_outbox(ctx, manager) -> None:
    catalogue.save_category(ctx, manager, "drink", name="饮料", points_multiplier_permille=2000)
    view = _cola(ctx, manager, category="DRINK", member_prices={"*": 300, "gold": 280})
    assert view.initials == "kkkl"
    assert view.item.member_price_for("gold") == 280
    assert view.item.member_price_for("silver") == 300
    assert view.points_multiplier_permille == 2000
    rows = query(ctx, "SELECT code, name, price_fen, category_code, active FROM catalogue_item")
    assert rows == [("1001", "可口可乐", 350, "DRINK", 1)]
    assert query(ctx, "SELECT barcode, active FROM item_barcode") == [("6901234567892", 1)]
    events = query(ctx, "SELECT type, payload FROM outbox WHERE type LIKE 'catalogue.%'")
    assert [e[0] for e in events] == ["catalogue.category_saved", "catalogue.item_saved"]
    payload = json.loads(events[1][1])
    assert payload["item"]["price_fen"] == 350 and payload["action"] == "add"
    audit = query(ctx, "SELECT action, entity_id FROM audit_log WHERE entity = 'item'")
    assert audit == [("item.add", "1001")]


def test_find_by_barcode_code_name_and_initials(ctx, manager, cashier) -> None:
    _cola(ctx, manager)
    catalogue.add_item(ctx, manager, code="1002", name="雪碧", price_fen=300,
                       barcodes=["036000291452"])  # fmt: skip
    assert catalogue.find_by_barcode(ctx, cashier, "6901234567892").item.code == "1001"
    # A UPC-A is found whether the scanner sends 12 digits or the EAN-13 form.
    assert catalogue.find_by_barcode(ctx, cashier, "036000291452").item.code == "1002"
    assert catalogue.find_by_barcode(ctx, cashier, "0036000291452").item.code == "1002"
    assert catalogue.find_by_barcode(ctx, cashier, "6901234567891") is None
    assert catalogue.find_by_code(ctx, cashier, "1002").item.name == "雪碧"
    assert [v.item.code for v in catalogue.search_items(ctx, cashier, "kkkl").items] == ["1001"]
    assert [v.item.code for v in catalogue.search_items(ctx, cashier, "xue").items] == ["1002"]
    assert [v.item.code for v in catalogue.search_items(ctx, cashier, "可乐").items] == ["1001"]
    assert catalogue.search_items(ctx, cashier, "").total == 2


def test_barcode_unique_among_active_items(ctx, manager, snapshot) -> None:
    _cola(ctx, manager)
    err = refused(snapshot, "barcode_taken", partial(catalogue.add_item, ctx, manager, code="2001",
                  name="可乐新装", price_fen=380, barcodes=["6901234567892"]))  # fmt: skip
    assert "1001" in err.message
    catalogue.deactivate_item(ctx, manager, "1001")
    catalogue.add_item(ctx, manager, code="2001", name="可乐新装", price_fen=380,
                       barcodes=["6901234567892"])  # fmt: skip
    assert catalogue.find_by_barcode(ctx, manager, "6901234567892").item.code == "2001"
    refused(snapshot, "barcode_taken", catalogue.update_item, ctx, manager, "1001", active=True)


def test_refusals_change_nothing(ctx, manager, cashier, snapshot) -> None:
    _cola(ctx, manager)
    refused(snapshot, "item_code_taken", partial(catalogue.add_item, ctx, manager, code="1001",
            name="x", price_fen=1))  # fmt: skip
    refused(snapshot, "barcode_check_digit", partial(catalogue.add_item, ctx, manager, code="3",
            name="x", price_fen=1, barcodes=["6901234567891"]))  # fmt: skip
    refused(snapshot, "category_unknown", partial(catalogue.add_item, ctx, manager, code="3",
            name="x", price_fen=1, category="nope"))  # fmt: skip
    refused(snapshot, "item_tier_unknown", partial(catalogue.add_item, ctx, manager, code="3",
            name="x", price_fen=100, member_prices={"platinum": 90}))  # fmt: skip
    refused(snapshot, "permission_denied", partial(catalogue.add_item, ctx, cashier, code="3",
            name="x", price_fen=1))  # fmt: skip
    refused(snapshot, "item_unknown", catalogue.update_item, ctx, manager, "404", price_fen=1)


def test_update_keeps_what_is_not_given_and_audits_before_after(ctx, manager) -> None:
    _cola(ctx, manager)
    view = catalogue.update_item(ctx, manager, "1001", price_fen=399, name="可口可乐 500ml")
    assert (view.item.price_fen, view.item.unit, view.item.barcodes) == (
        399, "瓶", ("6901234567892",),
    )  # fmt: skip
    assert catalogue.search_items(ctx, manager, "kkkl").items[0].item.price_fen == 399
    before, after = query(ctx, "SELECT before, after FROM audit_log WHERE action = 'item.update'")[
        0
    ]
    assert json.loads(before)["price_fen"] == 350 and json.loads(after)["price_fen"] == 399


def test_enrolled_counter_refuses_local_edits(ctx, manager, snapshot) -> None:
    _cola(ctx, manager)
    with ctx.uow() as uow:
        syncstore.state_for_update(uow).server_url = "https://hq.example"
        uow.commit()
    err = refused(snapshot, "catalogue_managed_by_hq", catalogue.update_item, ctx, manager,
                  "1001", price_fen=1)  # fmt: skip
    assert "总部" in err.message
    refused(snapshot, "catalogue_managed_by_hq", catalogue.save_category, ctx, manager, "x",
            name="y")  # fmt: skip


def test_apply_from_hq_wins_over_a_local_item(ctx, manager) -> None:
    _cola(ctx, manager)
    catalogue.add_item(ctx, manager, code="LOCAL", name="本地", price_fen=100,
                       barcodes=["96385074"])  # fmt: skip
    with ctx.uow() as uow:
        catalogue.apply_catalogue(ctx, uow, {"category": {"code": "HQ", "name": "总部类"}})
        catalogue.apply_catalogue(ctx, uow, {"item": {
            "code": "1001", "name": "可口可乐(总部)", "price_fen": 330, "category": "HQ",
            "barcodes": ["6901234567892", "96385074"]}})  # fmt: skip
        uow.commit()
    cola = catalogue.show_item(ctx, manager, "1001")
    assert (cola.item.price_fen, cola.item.category, cola.category_name) == (330, "HQ", "总部类")
    assert catalogue.find_by_barcode(ctx, manager, "96385074").item.code == "1001"
    assert catalogue.show_item(ctx, manager, "LOCAL").item.barcodes == ()


def test_errors_are_counter_errors() -> None:
    assert issubclass(ValidationError, CounterError)


def test_import_dry_run_and_refused_commit_change_nothing(ctx, manager, snapshot, tmp_path):
    from app.services.catalogue_import import ItemImportRefusedError, import_items

    catalogue.save_category(ctx, manager, "DRINK", name="饮料")
    path = tmp_path / "items.csv"
    path.write_text("商品资料\n货号,品名,零售价,条码,分类,服务\n"
                    "A1,可乐,3.5,6901234567892,饮料,否\nA2,洗车,30,,,是\n"
                    "A3,坏,1,6901234567891,,\n", encoding="utf-8")  # fmt: skip
    before = snapshot()
    report = import_items(ctx, manager, path)
    assert report.dry_run and report.counts() == {"create": 2, "update": 0, "error": 1}
    assert [r.error for r in report.rows] == [None, None, "barcode_check_digit"]
    assert report.rows[2].line == 5 and "校验位" in report.rows[2].message
    assert snapshot() == before
    with pytest.raises(ItemImportRefusedError):
        import_items(ctx, manager, path, commit=True)
    assert snapshot() == before
    path.write_text(path.read_text(encoding="utf-8").rsplit("A3", 1)[0], encoding="utf-8")
    done = import_items(ctx, manager, path, commit=True)
    assert done.imported and done.counts()["create"] == 2
    wash = catalogue.show_item(ctx, manager, "A2")
    assert wash.item.service and wash.item.price_fen == 3000
    assert catalogue.show_item(ctx, manager, "A1").item.category == "DRINK"
    assert len(query(ctx, "SELECT * FROM outbox WHERE type = 'catalogue.item_saved'")) == 2
