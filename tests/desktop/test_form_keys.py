"""The keyboard grammar with real keys in the forms the other tests do not walk: settings,
F12's enrollment form, the rules and the first-run form (pinyin IME on, as everywhere).

Focus lands in the first field as each opens; Enter moves on field by field and commits
only from the last one (a form that opens filled in never saves from its first field);
Esc cancels and changes nothing. Outcomes are read from the app's own SQLite file and its
window.ini.

Before the fixes: settings and rules opened with the focus on no field (a tab bar, a table)
and Enter in the first field saved the whole form at once; the enrollment address and the
store code went through the pinyin IME (``http`` became a preedit); Enter in the first-run
form did nothing at all until every field was filled.
"""

from __future__ import annotations

import configparser
import subprocess
import time
from pathlib import Path

from tests.desktop.conftest import ADMIN, ENTRY_POINT, MANAGER, ROOT, TITLE, App
from tests.desktop.xsession import XSession


def start_first_run(screen: XSession, data: Path, shots: Path) -> App:
    """The app on an empty data folder: the first-run form, not the sign-in screen."""
    data.mkdir()
    log = data.parent / f"app-{screen.width}.log"
    env = screen.app_env(
        MEMBER_COUNTER_TEST_FAST_HASH="1",
        MEMBER_COUNTER_WIDGET_MAP=str(data.parent / f"widgets-{screen.width}.json"),
    )
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [str(ENTRY_POINT), "--data-dir", str(data)],
            env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT,
        )  # fmt: skip
    app = App(screen, data, proc, log, shots, TITLE)
    try:
        screen.wait_active("欢迎使用", timeout=60)
    except TimeoutError:
        app.stop()
        said = log.read_text()[-3000:]
        raise AssertionError(f"no first-run form; the app said:\n{said}") from None
    app.settle(1.0)
    return app


def focused_name(app: App) -> str:
    focused = app.focused()
    return "" if focused is None else str(focused["name"])


def idle_minutes(app: App) -> str | None:
    ini = configparser.ConfigParser()
    ini.read(app.data_dir / "window.ini", encoding="utf-8")
    return ini.get("General", "idle_lock_minutes", fallback=None)


def test_settings_enter_walks_and_saves_from_the_last_field(app: App) -> None:
    app.sign_in(ADMIN)
    s = app.screen
    before = idle_minutes(app)
    app.open("ctrl+comma", "设置", 0.8)
    assert focused_name(app) == "language", "the first field has no focus"
    s.key("Return")  # on to the idle lock: nothing saved yet
    app.settle(0.4)
    assert focused_name(app) == "idleLock"
    assert s.active() is not None and "设置" in s.active().title, "Enter in the first field saved"
    s.key("ctrl+a")
    app.settle(0.2)  # the selection is made before the digits replace it
    s.type("17")
    s.key("Escape")  # cancelled: nothing changes
    app.back(0.6)
    assert idle_minutes(app) == before
    app.open("ctrl+comma", "设置", 0.8)
    s.key("Return")
    for _ in range(20):  # the field has the focus before the keys meant for it go
        app.settle(0.2)
        if focused_name(app) == "idleLock":
            break
    assert focused_name(app) == "idleLock"
    s.key("ctrl+a")
    app.settle(0.2)  # the selection is made before the digits replace it
    s.type("17", enter=True)  # the tab's last field: Enter saves
    app.settle(0.5)
    app.shot("settings-saved")
    app.back(0.6)
    assert idle_minutes(app) == "17"


def test_enrollment_form_takes_an_address_through_the_ime_and_walks_with_enter(
    app: App,
) -> None:
    app.sign_in(MANAGER)
    s = app.screen
    app.open("F12", "总部同步", 1.0)
    assert focused_name(app) == "enrollServer", "the form's first field has no focus"
    s.type("http://127.0.0.1:9", enter=True)  # letters with the pinyin IME on
    app.settle(0.4)
    assert app.control("hq.example.com", kind="field")["text"] == "=http://127.0.0.1:9"
    assert focused_name(app) == "enrollCode"
    s.type("ABCD-1234", enter=True)  # complete, but the CA file is still ahead
    app.settle(0.4)
    assert focused_name(app) == "enrollCa"
    assert app.query("SELECT count(*) FROM sync_state WHERE enrolled_at IS NOT NULL") == [(0,)]
    s.key("Return")  # from the last field: registers (nothing listens there: refused)
    app.settle(3.0)
    assert s.active() is not None and "总部同步" in s.active().title, "a refusal closed it"
    assert app.query("SELECT count(*) FROM sync_state WHERE enrolled_at IS NOT NULL") == [(0,)]
    s.key("Escape")
    app.back(0.6)
    assert app.query("SELECT count(*) FROM sync_state WHERE enrolled_at IS NOT NULL") == [(0,)]


def rules_updates(app: App) -> int:
    return app.query("SELECT count(*) FROM audit_log WHERE action = 'rules.update'")[0][0]


def test_rules_enter_walks_the_fields_and_saves_from_the_last(app: App) -> None:
    app.sign_in(ADMIN)
    s = app.screen
    before = rules_updates(app)
    app.open("F10", "店长功能", 0.5)
    app.open("0", "会员规则", 1.0)
    assert focused_name(app) == "pointsPerYuan", "the first field has no focus"
    s.type("3")  # typed over the selected value
    s.key("Escape")
    s.wait_active("店长功能")
    app.settle(0.5)
    assert rules_updates(app) == before, "Esc saved the rules"
    app.open("0", "会员规则", 1.0)
    s.type("3", enter=True)
    app.settle(0.3)
    assert rules_updates(app) == before, "Enter in the first field saved the rules"
    names = [focused_name(app)]
    for _ in range(3):
        s.key("Return")
        app.settle(0.2)
        names.append(focused_name(app))
    assert names == ["pointsPerYuanCash", "maxPointsRatio", "cardFee", "maxTopup"], names
    focused = app.focused()
    dialog = next(w for w in app.windows() if "会员规则" in w["title"])
    _x, y, _w, h = focused["rect"]  # type: ignore[index]
    bottom = dialog["rect"][1] + dialog["rect"][3]
    assert dialog["rect"][1] <= y and y + h <= bottom - 60, "the field Enter went to is off view"
    app.shot("rules-last-field")
    assert rules_updates(app) == before
    s.key("Return")  # the last field: saved
    s.wait_active("店长功能")
    app.settle(0.6)
    assert rules_updates(app) == before + 1
    (after,) = app.query(
        "SELECT after FROM audit_log WHERE action = 'rules.update' ORDER BY rowid DESC LIMIT 1"
    )
    assert '"points_per_yuan": 3' in after[0] or '"points_per_yuan":3' in after[0], after[0]
    s.key("Escape")


def test_first_run_form_walks_with_enter_and_esc_changes_nothing(
    screen: XSession, tmp_path: Path, shots_dir: Path
) -> None:
    data = tmp_path / "data"
    app = start_first_run(screen, data, shots_dir)
    try:
        s = screen
        assert focused_name(app) == "storeCode", "the first field has no focus"
        s.type("SH009", enter=True)  # letters with the pinyin IME on
        app.settle(0.4)
        assert app.control("SH001", kind="field")["text"] == "=SH009"
        assert focused_name(app) == "storeName"
        s.type("ceshi")  # 测试 through the IME
        s.key("space")
        app.settle(0.3)
        s.key("Return")
        app.settle(0.4)
        assert focused_name(app) == "adminPin"
        s.type("135790", enter=True)
        app.settle(0.4)
        assert focused_name(app) == "adminPin2"
        assert not (data / "counter.sqlite3").exists() or not app.query("SELECT code FROM store"), (
            "a store was made before the last field"
        )
        s.type("135790", enter=True)  # the last field: the store is made
        s.wait_active("恢复码", timeout=30)
        app.settle(0.5)
        assert app.query("SELECT code, name FROM store") == [("SH009", "测试")]
    finally:
        app.stop()
        screen.gone(app.title)


def test_first_run_esc_makes_no_store(screen: XSession, tmp_path: Path, shots_dir: Path) -> None:
    data = tmp_path / "data"
    app = start_first_run(screen, data, shots_dir)
    try:
        screen.type("SH010")
        screen.key("Escape")  # the first-run form cancelled: the app ends, no store made
        app.proc.wait(30)
        made = (data / "counter.sqlite3").exists() and app.query("SELECT code FROM store")
        assert not made, "Esc made a store"
    finally:
        app.stop()


def members(app: App) -> int:
    return app.query("SELECT count(*) FROM member")[0][0]


def import_file(app: App, path: Path) -> None:
    """F10's 会员导入: the path typed into its field (IME on), Enter reads it, Enter dry-runs."""
    s = app.screen
    app.open("7", "会员导入", 0.8)
    assert focused_name(app) == "importPath", "the path field has no focus"
    s.type(str(path), enter=True)  # a person typing (a burst would be a scan)
    app.settle(1.0)
    focused = app.focused()
    assert focused is not None and focused["kind"] == "combo", focused  # the mapping
    app.control("试运行", kind="button")
    s.key("Return")  # the mapping is complete: the dry run
    app.settle(1.5)
    app.control("导入 (Enter)", kind="button")


def test_import_walks_file_mapping_dry_run_and_import_with_enter(app: App, tmp_path: Path) -> None:
    path = tmp_path / "old-members.csv"
    path.write_text("姓名,手机号,余额\n王芳,13912340000,10\n李雷,13912340001,20\n", "utf-8")
    app.sign_in(ADMIN)
    s = app.screen
    before = members(app)
    app.open("F10", "店长功能", 0.5)
    import_file(app, path)
    assert members(app) == before, "the dry run imported"
    s.key("Escape")  # cancelled after the dry run: nothing imported
    s.wait_active("店长功能")
    app.settle(0.5)
    assert members(app) == before
    import_file(app, path)
    s.key("Return")  # import
    app.settle(2.0)
    app.control("完成 (Enter)", kind="button")
    assert members(app) == before + 2
    assert app.query("SELECT name FROM member WHERE phone = '13912340001'") == [("李雷",)]
    s.key("Return")
    s.wait_active("店长功能")
    s.key("Escape")


def _combo_moves_on(app: App, before: str) -> str:
    """The focused combo box's text once it is no longer ``before`` (the widget map is
    written every 250 ms; a loaded machine writes it later)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        focused = app.focused()
        if focused and focused["kind"] == "combo" and focused["text"] != before:
            return str(focused["text"])
    raise AssertionError(f"the combo box stayed at {before!r}")


def test_audit_filter_is_chosen_in_words_with_keys(app: App) -> None:
    """The audit viewer's action filter is a list of words: Tab to it, arrow keys to
    储值(全部), Enter searches; the rows shown are the store's top-ups, named in words."""
    app.sign_in(ADMIN)
    s = app.screen
    topups = app.query("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'stored_value.%'")[0][0]
    assert topups > 0
    app.open("F10", "店长功能", 0.5)
    app.open("9", "审计日志", 1.0)
    action = app.control("全部", window="审计日志", kind="combo")
    s.click(action["rect"][0] + 10, action["rect"][1] + action["rect"][3] // 2)
    app.settle(0.4)
    s.key("Escape")  # the list a click opened closes; the box keeps the focus
    app.settle(0.3)
    focused = app.focused()
    assert focused and focused["kind"] == "combo" and focused["text"] == "全部", focused
    shown = "全部"
    for _ in range(12):  # from 全部 down the families (backup, card, ...) to stored value
        s.key("Down")
        shown = _combo_moves_on(app, shown)  # one key, one step: never typed past it
        if shown == "储值(全部)":
            break
    assert app.control("储值(全部)", window="审计日志", kind="combo")
    s.key("Return")
    app.settle(1.0)
    assert app.control(f"共 {topups} 条", window="审计日志"), "Enter did not search"
    app.shot("audit-filter-words")
    s.key("Escape")
    s.wait_active("店长功能")
    s.key("Escape")


def test_an_old_systems_template_imports_as_it_stands(app: App, tmp_path: Path) -> None:
    """A title row above a two-level merged header (储值信息 › 储值余额 / 赠送余额), as the
    templates of other systems have them: found and understood without a mapping by hand."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["XX会员管理系统 会员导出"])
    sheet.append(["会员信息", None, "储值信息", None, "积分"])
    sheet.append(["姓名", "手机号(必填)", "储值余额", "赠送余额", None])
    sheet.append(["赵敏", 13912340002, 88.5, 6, 120])
    sheet.merge_cells("A2:B2")
    sheet.merge_cells("C2:D2")
    sheet.merge_cells("E2:E3")
    path = tmp_path / "template.xlsx"
    book.save(path)
    app.sign_in(ADMIN)
    before = members(app)
    app.open("F10", "店长功能", 0.5)
    import_file(app, path)
    app.shot("import-template-dry-run")
    app.screen.key("Return")  # import
    app.settle(2.0)
    app.control("完成 (Enter)", kind="button")
    assert members(app) == before + 1
    row = app.query(
        "SELECT principal_fen, bonus_fen, points FROM member WHERE phone = '13912340002'"
    )
    assert row == [(8_850, 600, 120)], row
    app.screen.key("Return")
    app.screen.wait_active("店长功能")
    app.screen.key("Escape")


def test_the_dry_run_says_what_each_column_is_and_leads_back_to_the_tiers(
    app: App, tmp_path: Path
) -> None:
    """An old system's tier (VIP) is no tier here: the dry run says per column what it read
    (普通 → 普通, VIP → ?), skips the totals line, refuses the import; 返回修改列映射 (in
    sight at 1024×768: it had been scrolled below the table) leads to 等级对应, in view."""
    path = tmp_path / "tiers.csv"
    path.write_text(
        "姓名,手机号,会员等级\n韩梅,13912340003,VIP\n魏华,13912340004,普通\n合计,,\n", "utf-8"
    )
    app.sign_in(ADMIN)
    s = app.screen
    before = members(app)
    app.open("F10", "店长功能", 0.5)
    import_file(app, path)
    columns = app.control("各列的识别", window="会员导入")["text"]
    assert "会员等级 → 会员等级(VIP → ?" in columns and "普通 → 普通" in columns, columns
    app.control("错误 1", window="会员导入")
    app.control("非会员行跳过 1", window="会员导入")  # the totals line
    app.shot("import-tier-unknown")
    back = app.control("返回修改列映射", window="会员导入", kind="button")["rect"]
    assert back[1] + back[3] <= s.height, back  # on screen, not scrolled out of sight
    app.tap("返回修改列映射", kind="button")
    assert focused_name(app) == "importTierMap", "back did not lead to the tiers' mapping"
    field = app.control("旧等级=本店等级", window="会员导入")["rect"]
    assert field[1] + field[3] <= s.height, field
    app.shot("import-tier-map")
    s.key("Escape")
    s.wait_active("店长功能")
    assert members(app) == before
    s.key("Escape")
