"""The items screen on a real desktop: F10, 商品管理, a new item typed field by field with
Enter (the name in pinyin through ibus), found again by its pinyin initials typed into the
search (no input method there: before, ibus took the letters as pinyin and nothing was
searched), at 1024×768 and 1366×768."""

from __future__ import annotations

from tests.desktop.conftest import ADMIN, App


def test_an_item_is_added_with_enter_and_found_by_its_initials(app: App) -> None:
    app.sign_in(ADMIN)
    app.open("F10", "店长功能", 0.5)
    app.shot("menu-keys")
    app.screen.key("a")  # the 11th screen's key (ibus on: a key, not a letter typed)
    app.screen.wait_active("商品管理")
    app.settle(0.8)
    app.shot("items-empty")
    app.tap("新增商品", kind="button")
    app.screen.wait_active("新增商品")
    app.settle(0.6)
    s = app.screen
    s.type("A001", enter=True)  # 商品编码
    s.type("kuangquanshui")  # 商品名称, in pinyin: the IME's first phrase is 矿泉水
    s.key("space")
    assert app.control("矿泉水", window="新增商品")  # the IME committed the phrase (waits)
    s.key("Return")
    for _ in range(30):  # a loaded machine moves the focus on later: never type ahead of it
        focused = app.focused()
        if focused and focused["kind"] == "field" and "矿泉水" not in focused["text"]:
            break
    s.type("2.50", enter=True)  # 零售价
    s.type("2", enter=True)  # 会员价
    s.type("6901234567892", enter=True)  # 条码 (EAN-13, check digit 2)
    app.settle(0.4)
    app.shot("items-dialog")
    s.key("Return")  # 单位 keeps its default
    app.settle(0.3)
    s.key("Return")  # 分类
    app.settle(0.3)
    for _ in range(4):  # the check boxes, then the last field commits
        if app.query("SELECT count(*) FROM catalogue_item WHERE code = 'A001'")[0][0]:
            break
        s.key("Return")
        app.settle(0.4)
    added = app.query("SELECT name, price_fen FROM catalogue_item WHERE code = 'A001'")
    assert added == [("矿泉水", 250)]
    assert app.query("SELECT barcode FROM item_barcode") == [("6901234567892",)]
    app.settle(0.6)
    # (the focus is back in the search box: no tap needed)
    s.type("zzz")
    app.settle(1.0)
    assert app.control("共 0 个商品")
    for _ in range(3):
        s.key("BackSpace")
    s.type("kqs")  # 矿泉水 by its initials
    app.settle(1.0)
    assert app.control("kqs")["kind"] == "field"
    assert app.control("共 1 个商品")  # 矿泉水, in the list (the screenshot)
    app.shot("items-found")
