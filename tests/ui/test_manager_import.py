"""Member import through its screen: mapping, dry run, then all or nothing with progress."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from tests.conftest import MANAGER_NO, MANAGER_PIN, db_snapshot
from tests.helpers import query
from tests.ui.conftest import in_dialog, save_screenshot
from tests.ui.manager_helpers import signed_in
from ui.manager.importing import ImportDialog, ImportRowsModel, Page

# An old system's export, messy as they come: GBK, full-width digits, +86, a repeated row,
# a phone column under a header nobody guesses, a member already here.
MESSY = (
    "会员姓名,移动号码,卡内余额,积分,生日\n"
    "王芳,１３９１２３４００００,100.50,200,1990-01-02\n"
    "李雷,+86 139 1234 0001,0,0,\n"
    "李雷,+86 139 1234 0001,0,0,\n"
    "韩梅梅,13912340002,20,15,1988/5/6\n"
    "张三,13800138000,50,10,\n"
)


def write(path: Path, text: str) -> Path:
    path.write_bytes(text.encode("gbk"))
    return path


def test_import_maps_columns_dry_runs_then_imports_with_progress(
    qtbot, window, ctx, register, tmp_path
) -> None:
    register(name="张三", phone="13800138000")
    path = write(tmp_path / "old.csv", MESSY)
    signed_in(qtbot, window, MANAGER_NO, MANAGER_PIN)
    before = query(ctx, "SELECT count(*) FROM member")[0][0]
    seen: list[int] = []
    stages: list[tuple[str, int, int]] = []

    def handle(d: QDialog) -> None:
        assert isinstance(d, ImportDialog)
        qtbot.waitUntil(lambda: d.page == Page.MAPPING, timeout=5000)
        assert d.combos["name"].currentData() == "会员姓名"  # guessed
        assert d.combos["principal"].currentData() == "卡内余额"
        assert d.combos["phone"].currentData() == ""  # nobody calls it 移动号码
        assert not d.confirm_button.isEnabled() and "手机号" in d.error.text()
        d.combos["phone"].setCurrentIndex(d.combos["phone"].findData("移动号码"))
        assert d.confirm_button.isEnabled()
        assert "gb18030" in d.mapping_caption.text()
        save_screenshot(d, "40-import-mapping")
        qtbot.keyClick(d, Qt.Key.Key_Return)  # dry run
        qtbot.waitUntil(lambda: d.page == Page.REPORT, timeout=5000)
        assert query(ctx, "SELECT count(*) FROM member")[0][0] == before  # nothing written
        model = d.rows_model
        actions = [model.data(model.index(r, ImportRowsModel.Col.ACTION)) for r in range(5)]
        assert actions == ["新建", "新建", "重复行,跳过", "新建", "已是会员,跳过"]
        assert model.data(model.index(0, ImportRowsModel.Col.PHONE)) == "13912340000"
        assert "新建 3 · 重复跳过 1 · 已是会员 1 · 错误 0" in d.summary.text()
        save_screenshot(d, "41-import-dry-run")
        d.progress.valueChanged.connect(seen.append)
        d.bridge.progressed.connect(lambda *a: stages.append(a))
        qtbot.keyClick(d, Qt.Key.Key_Return)  # import
        qtbot.waitUntil(lambda: d.imported is not None, timeout=10_000)
        assert d.progress.value() == 100 and d.progress.isVisible()
        assert "已导入 3 位会员" in d.summary.text()
        save_screenshot(d, "42-import-done")
        qtbot.keyClick(d, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: not d.isVisible(), timeout=5000)

    report = in_dialog(
        qtbot,
        lambda: setattr(window, "got", ImportDialog.ask(window, window.session, path)),
        handle,
    )
    assert report is None and window.got is not None and window.got.imported  # type: ignore[attr-defined]
    assert query(ctx, "SELECT count(*) FROM member")[0][0] == before + 3
    assert query(ctx, "SELECT principal_fen, points FROM member WHERE phone = '13912340000'") == [
        (10_050, 200)
    ]
    # The progress came from the worker thread, through the signal, in steps up to 100.
    assert seen and seen[-1] == 100 and seen == sorted(seen)
    assert stages[0][0] == "check" and stages[-1] == ("write", 3, 3)


def test_a_failing_import_leaves_the_database_unchanged(qtbot, window, ctx, tmp_path) -> None:
    good = "姓名,手机号,余额\n王芳,13912340000,10\n李雷,13912340001,20\n"
    path = write(tmp_path / "members.csv", good)
    signed_in(qtbot, window, MANAGER_NO, MANAGER_PIN)

    def handle(d: QDialog) -> None:
        qtbot.waitUntil(lambda: d.page == Page.MAPPING, timeout=5000)
        qtbot.keyClick(d, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: d.page == Page.REPORT, timeout=5000)
        assert d.confirm_button.isEnabled()
        # Between the dry run and the import the file changes: a bad row now, midway.
        write(path, good + "韩梅梅,12345,abc\n")
        before = db_snapshot(ctx)
        qtbot.keyClick(d, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: not d.busy and "错误" in d.error.text(), timeout=10_000)
        assert d.imported is None and d.isVisible()
        assert "错误 1" in d.summary.text() and not d.confirm_button.isEnabled()
        assert db_snapshot(ctx) == before
        assert d.rows_model.rowCount() == 3
        assert d.rows_model.data(d.rows_model.index(2, ImportRowsModel.Col.ACTION)) == "错误"
        save_screenshot(d, "43-import-refused")
        d.reject()

    in_dialog(qtbot, lambda: ImportDialog.ask(window, window.session, path), handle)
    assert query(ctx, "SELECT count(*) FROM member") == [(0,)]


def test_rows_with_errors_stop_the_import_unless_skipped(qtbot, window, ctx, tmp_path) -> None:
    path = write(tmp_path / "m.csv", "姓名,手机号\n王芳,13912340000\n韩梅梅,12345\n")
    signed_in(qtbot, window, MANAGER_NO, MANAGER_PIN)

    def handle(d: QDialog) -> None:
        qtbot.waitUntil(lambda: d.page == Page.MAPPING, timeout=5000)
        qtbot.keyClick(d, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: d.page == Page.REPORT, timeout=5000)
        assert not d.confirm_button.isEnabled() and "1 行错误" in d.error.text()
        assert d.skip_errors.isVisible()
        d.back_button.click()  # back to the mapping, and the dry run again
        assert d.page == Page.MAPPING and d.confirm_button.isEnabled()
        qtbot.keyClick(d, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: d.page == Page.REPORT, timeout=5000)
        d.skip_errors.setChecked(True)
        assert d.confirm_button.isEnabled()
        qtbot.keyClick(d, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: d.imported is not None, timeout=10_000)
        d.accept()

    in_dialog(qtbot, lambda: ImportDialog.ask(window, window.session, path), handle)
    assert query(ctx, "SELECT name FROM member") == [("王芳",)]


def test_the_header_row_is_found_below_a_title_and_can_be_named(
    qtbot, window, ctx, tmp_path
) -> None:
    path = tmp_path / "titled.csv"
    path.write_text("会员资料导出\n\n姓名,手机号(必填),卡内余额,会员等级,状态\n"
                    "王芳,13912340000,10,金卡,停用\n", encoding="utf-8-sig")  # fmt: skip
    signed_in(qtbot, window, MANAGER_NO, MANAGER_PIN)

    def handle(d: QDialog) -> None:
        assert isinstance(d, ImportDialog)
        qtbot.waitUntil(lambda: d.page == Page.MAPPING, timeout=5000)
        assert "表头在第 3 行" in d.mapping_caption.text()
        assert d.combos["phone"].currentData() == "手机号(必填)"
        assert d.combos["tier"].currentData() == "会员等级"
        # Named by hand: the title row is no header (nothing maps), then the real one again.
        d.header_row.setValue(1)
        d.header_row.editingFinished.emit()
        qtbot.waitUntil(lambda: "表头在第 1 行" in d.mapping_caption.text(), timeout=5000)
        assert d.combos["name"].currentData() == "" and not d.confirm_button.isEnabled()
        d.header_row.setValue(3)
        d.header_row.editingFinished.emit()
        qtbot.waitUntil(lambda: "表头在第 3 行" in d.mapping_caption.text(), timeout=5000)
        d.confirm_button.click()  # dry run
        qtbot.waitUntil(lambda: d.page == Page.REPORT, timeout=5000)
        assert d.report is not None and d.report.header_lines == (3,)
        assert [(r.line, r.action, r.tier, r.status) for r in d.report.rows] == [
            (4, "create", "gold", "frozen")
        ]
        d.reject()

    in_dialog(qtbot, lambda: ImportDialog.ask(window, window.session, path), handle)


def test_a_birthday_without_a_year_is_this_months_birthday(qtbot, ctx, tmp_path) -> None:
    from PySide6.QtWidgets import QLabel

    from app.services.importing import import_members
    from app.services.lookup import show_member
    from app.services.security import sign_in
    from ui.member_panel import MemberPanel

    manager = sign_in(ctx, MANAGER_NO, MANAGER_PIN)
    path = tmp_path / "old.csv"
    path.write_text("姓名,手机号,生日\n王芳,13912340000,3月20日\n", encoding="utf-8")
    assert import_members(ctx, manager, path).imported
    view = show_member(ctx, manager, "13912340000")
    assert view.birthday is None and view.birth_month_day == "03-20"
    panel = MemberPanel()
    qtbot.addWidget(panel)
    with ctx.reader() as uow:
        today = ctx.local_date(uow)
    assert today.month == 3
    panel.show_member(view, today)
    tags = [w.text() for w in panel.findChildren(QLabel) if w.property("role") == "tag"]
    assert "本月生日 03-20" in tags


def test_tiers_are_mapped_in_the_dialog_and_the_dry_run_says_what_each_column_is(
    qtbot, window, ctx, tmp_path
) -> None:
    """The tier mapping (as the command's --tier-map) typed into the dialog: a wrong one is
    refused with a message saying how to write it, a tier not here with the store's tiers;
    the dry run says per column what it understood, tiers and statuses value by value."""
    path = tmp_path / "tiers.csv"
    path.write_text("姓名,手机号,会员等级,状态,备用\n王芳,13912340000,VIP,停用,x\n"
                    "李雷,13912340001,金卡,,y\n", encoding="utf-8-sig")  # fmt: skip
    signed_in(qtbot, window, MANAGER_NO, MANAGER_PIN)

    def handle(d: QDialog) -> None:
        assert isinstance(d, ImportDialog)
        qtbot.waitUntil(lambda: d.page == Page.MAPPING, timeout=5000)
        d.tier_map.setFocus()
        d.tier_map.insert("VIP金卡")  # (typed through the IME on a desktop)
        assert not d.confirm_button.isEnabled()
        assert d.error.text() == "等级对应写法不正确:VIP金卡(应为 旧等级=本店等级,如 VIP=金卡)"
        d.tier_map.clear()
        d.tier_map.insert("VIP=黑卡")
        assert d.confirm_button.isEnabled()
        qtbot.keyClick(d.tier_map, Qt.Key.Key_Return)  # the dry run: 黑卡 is no tier here
        qtbot.waitUntil(lambda: not d.busy and "黑卡" in d.error.text(), timeout=5000)
        assert d.page == Page.MAPPING and "普通" in d.error.text() and "金卡" in d.error.text()
        d.tier_map.clear()
        d.tier_map.insert("VIP=金卡")
        qtbot.keyClick(d.tier_map, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: d.page == Page.REPORT, timeout=5000)
        assert [(r.line, r.action, r.tier, r.status) for r in d.report.rows] == [
            (2, "create", "gold", "frozen"), (3, "create", "gold", "active")]  # fmt: skip
        text = d.columns_label.text()
        assert text == (
            "各列的识别:姓名 → 姓名 · 手机号 → 手机号"
            " · 会员等级 → 会员等级(VIP → 金卡, 金卡 → 金卡)"
            " · 状态 → 会员状态(停用 → 冻结) · 备用 → (不导入)"
        )
        assert d.columns_label.isVisible()
        save_screenshot(d, "44-import-tier-map-dry-run")
        qtbot.keyClick(d, Qt.Key.Key_Return)  # import
        qtbot.waitUntil(lambda: d.imported is not None, timeout=10_000)
        d.accept()

    in_dialog(qtbot, lambda: ImportDialog.ask(window, window.session, path), handle)
    assert query(ctx, "SELECT name, tier_code FROM member ORDER BY phone") == [
        ("王芳", "gold"), ("李雷", "gold")]  # fmt: skip
    batch = query(ctx, "SELECT payload FROM outbox WHERE type = 'member.import_batch'")
    assert '"tier_map":{"VIP":"金卡"}' in batch[0][0]
