"""Member import from files shaped as real systems export them (issue 15): title rows above the
header, two-level merged headers, the common Chinese header names, 未知 genders, birthdays
without a year, tiers by name, 停用 members, phones and dates stored as Excel numbers.

Every file is built here; the dry run is compared row by row and the import read back from
the counter's SQLite file."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook

from app.domain.errors import CounterError
from app.services.context import CounterContext
from app.services.exporting import export_members
from app.services.import_columns import FIELDS
from app.services.importing import ImportRefusedError, import_members, read_members_table
from app.services.lookup import show_member
from tests.helpers import Snapshot, query, refused
from tests.integration.test_cli import cli as cli

REPO = Path(__file__).resolve().parents[2]

# A 会员管理系统 template: a merged title, a blank row, then a two-level header whose
# single columns are merged down over both rows and 储值信息 merged over its two children.
PARENTS = ["会员号", "姓名", "手机号(必填)", "性别", "生日", "储值信息", None, "可用积分",
           "会员等级", "状态", "注册时间", "注册门店", "备注"]  # fmt: skip
CHILDREN = [None, None, None, None, None, "储值余额", "赠送余额"]
MEMBERS = [  # as Excel holds them: phones and a date typed as numbers, a date serial
    ["1001", "张三", 13800138000.0, "男", "05-20", 100.5, 20, 300, "金卡", "正常",
     dt.datetime(2021, 3, 4, 10, 30), "东门店", "老客户,爱喝美式"],
    ["1002", "李四", 13900139000, "未知", "5月20日", 0, 0, 0, "VIP", "停用", 44000, "西门店",
     None],
    ["1003", "王五", "1.3700137000E+10", "保密", "0229", 10, 0, 5, "普通", "挂失", "2020/6/19",
     None, None],
    ["1004", "赵六", 13600136000, None, 32874, 1, 1.5, 1, "钻石", "冻结", 44197.75, None, None],
    ["1005", "钱七", 13500135000, "女", "1988-12-01", 0, 0, 0, None, None, None, None, None],
]  # fmt: skip
# (line, action, name, phone, principal, bonus, points, tier, status, birthday, gender,
#  notes, registered_at, home_store)
EXPECTED = [
    (5, "create", "张三", "13800138000", 10_050, 2_000, 300, "gold", "active", "05-20", "m",
     "老客户,爱喝美式", "2021-03-04 10:30:00", "东门店"),
    (6, "create", "李四", "13900139000", 0, 0, 0, "gold", "frozen", "05-20", None, None,
     "2020-06-18 00:00:00", "西门店"),
    (7, "create", "王五", "13700137000", 1_000, 0, 5, "normal", "lost", "02-29", None, None,
     "2020-06-19 00:00:00", None),
    (8, "create", "赵六", "13600136000", 100, 150, 1, "diamond", "frozen", "1990-01-01", None,
     None, "2021-01-01 18:00:00", None),
    (9, "create", "钱七", "13500135000", 0, 0, 0, None, "active", "1988-12-01", "f", None, None,
     None),
]  # fmt: skip


def template_xlsx(path: Path, members: list[list] = MEMBERS) -> Path:
    book = Workbook()
    ws = book.active
    ws.append(["会员资料导出(2024-05-01)"])
    ws.merge_cells("A1:M1")
    ws.append([])
    ws.append(PARENTS)
    ws.append(CHILDREN)
    for col in "ABCDEHIJKLM":
        ws.merge_cells(f"{col}3:{col}4")
    ws.merge_cells("F3:G3")
    for row in members:
        ws.append(row)
    book.save(path)
    return path


def outline(report) -> list[tuple]:
    return [
        (r.line, r.action, r.name, r.phone, r.principal_fen, r.bonus_fen, r.points, r.tier,
         r.status, r.birthday, r.gender, r.notes, r.registered_at, r.home_store)
        for r in report.rows
    ]  # fmt: skip


def test_a_template_with_a_title_and_a_merged_two_level_header_is_understood(
    ctx: CounterContext, manager, tmp_path: Path, snapshot: Snapshot
) -> None:
    path = template_xlsx(tmp_path / "template.xlsx")
    before = snapshot()
    report = import_members(ctx, manager, path, dry_run=True, tier_map="VIP=金卡")
    assert snapshot() == before
    assert report.header_lines == (3, 4)
    assert report.mapping == {
        "name": "姓名", "phone": "手机号(必填)", "card_no": "会员号",
        "principal": "储值信息/储值余额", "bonus": "储值信息/赠送余额", "points": "可用积分",
        "birthday": "生日", "gender": "性别", "tier": "会员等级", "status": "状态",
        "registered_at": "注册时间", "home_store": "注册门店", "notes": "备注",
    }  # fmt: skip
    assert outline(report) == EXPECTED  # the sub-header (line 4) is no member
    understood = {c.column: (c.field, c.values) for c in report.columns}
    assert understood["会员等级"] == ("tier", {"金卡": "gold", "VIP": "gold", "普通": "normal",
                                               "钻石": "diamond"})  # fmt: skip
    assert understood["状态"] == ("status", {"正常": "active", "停用": "frozen", "挂失": "lost",
                                             "冻结": "frozen"})  # fmt: skip
    assert understood["储值信息/赠送余额"] == ("bonus", {})

    done = import_members(ctx, manager, path, tier_map="VIP=金卡")
    assert done.imported and outline(done) == EXPECTED
    rows = query(ctx, """
        SELECT m.name, m.principal_fen, m.bonus_fen, m.points, m.tier_code, m.status, c.status,
               m.birthday, m.birthday_md, m.gender, m.notes, m.registered_at, m.home_store,
               c.card_no
        FROM member m JOIN card c ON c.id = m.card_id ORDER BY c.card_no""")  # fmt: skip
    assert rows == [
        ("张三", 10_050, 2_000, 300, "gold", "active", "active", None, "05-20", "m",
         "老客户,爱喝美式", "2021-03-04 10:30:00.000000", "东门店", "1001"),
        ("李四", 0, 0, 0, "gold", "active", "frozen", None, "05-20", None, None,
         "2020-06-18 00:00:00.000000", "西门店", "1002"),
        ("王五", 1_000, 0, 5, "normal", "active", "lost", None, "02-29", None, None,
         "2020-06-19 00:00:00.000000", None, "1003"),
        ("赵六", 100, 150, 1, "diamond", "active", "frozen", "1990-01-01", None, None, None,
         "2021-01-01 18:00:00.000000", None, "1004"),
        ("钱七", 0, 0, 0, "normal", "active", "active", "1988-12-01", None, "f", None, None,
         None, "1005"),
    ]  # fmt: skip
    # The ledgers hold the opening balances; the tier named in the file is kept (钻石 with
    # no spend), the one not named comes from the spend (none: the base tier).
    assert query(ctx, "SELECT SUM(principal_fen), SUM(bonus_fen) FROM sv_entry") == [
        (11_150, 2_150)
    ]
    assert show_member(ctx, manager, "1004").tier == "diamond"
    # A frozen or lost card is served no more until a manager lifts it.
    assert show_member(ctx, manager, "1002").card_status == "frozen"
    # The export gives the birthday as the import kept it; re-imported, 卡号 is the card.
    out = tmp_path / "export.csv"
    export_members(ctx, manager, out)
    again = read_members_table(out)
    births = {r[again.headers.index("卡号")]: r[again.headers.index("生日")] for r in again.rows}
    assert births == {"1001": "05-20", "1002": "05-20", "1003": "02-29", "1004": "1990-01-01",
                      "1005": "1988-12-01"}  # fmt: skip
    assert import_members(ctx, manager, out, dry_run=True).mapping["card_no"] == "卡号"


def test_the_header_row_can_be_named(
    ctx: CounterContext, manager, tmp_path: Path, snapshot: Snapshot
) -> None:
    path = template_xlsx(tmp_path / "template.xlsx")
    named = import_members(ctx, manager, path, dry_run=True, header_row=3, tier_map="VIP=金卡")
    assert named.header_lines == (3, 4) and outline(named) == EXPECTED
    refused(snapshot, "import_header_row", import_members, ctx, manager, path, dry_run=True,
            header_row=2)  # a blank row  # fmt: skip
    # The title as the header: no column is a phone or a name.
    with pytest.raises(CounterError) as exc:
        import_members(ctx, manager, path, dry_run=True, header_row=1)
    assert exc.value.code == "import_columns_missing"
    assert "card_no" in str(exc.value) or "card_no" in exc.value.params["known"]


def test_a_tier_not_here_is_refused_per_row_and_mapped_by_the_option(
    ctx: CounterContext, manager, tmp_path: Path, snapshot: Snapshot
) -> None:
    path = template_xlsx(tmp_path / "template.xlsx")
    report = import_members(ctx, manager, path, dry_run=True)
    errors = [(r.line, r.code, r.params.get("value")) for r in report.rows if r.action == "error"]
    assert errors == [(6, "import_tier_unknown", "VIP")]
    assert "普通、银卡、金卡、钻石" in (report.rows[1].message or "")
    before = snapshot()
    with pytest.raises(ImportRefusedError):
        import_members(ctx, manager, path)
    assert snapshot() == before  # all or nothing
    refused(snapshot, "import_tier_map_unknown", import_members, ctx, manager, path,
            dry_run=True, tier_map="VIP=黑卡")  # fmt: skip
    refused(snapshot, "import_tier_map_invalid", import_members, ctx, manager, path,
            dry_run=True, tier_map="VIP")  # fmt: skip
    mapped = import_members(ctx, manager, path, dry_run=True, tier_map="VIP=silver")
    assert [r.tier for r in mapped.rows] == ["gold", "silver", "normal", "diamond", None]


def test_a_phone_that_lost_its_digits_is_refused_with_the_reason(
    ctx: CounterContext, manager, tmp_path: Path
) -> None:
    rest = [None] * 5
    rows = [["2001", "孙八", "1.38001E+10", "男", "", 0, 0, 0, *rest],
            ["2002", "周九", "13400134000.0", "女", "", 0, 0, 0, *rest]]  # fmt: skip
    report = import_members(ctx, manager, template_xlsx(tmp_path / "p.xlsx", rows), dry_run=True)
    assert [(r.line, r.action, r.code, r.phone) for r in report.rows] == [
        (5, "error", "import_phone_scientific", "1.38001E+10"),
        (6, "create", None, "13400134000"),
    ]


# 银豹-shaped CSV: two title lines and a blank one before the header; 有赞-shaped: a two-level
# header saved as CSV (the parent once, blanks to its right).
YINBAO = [
    ["银豹收银 会员资料"],
    ["导出时间:2024-05-01 10:00"],
    [],
    ["会员号", "会员姓名", "手机", "性别", "出生日期", "卡内余额", "赠送余额", "当前积分",
     "等级", "会员状态", "开卡日期", "开卡门店", "备注"],
    ["C001", "张三", "13800138000", "未知", "0520", "88.80", "11.20", "1,200", "银卡", "停用",
     "44000", "总店", "欠款已结"],
    [],
    ["C002", "李四", "13900139000", "", "12-31", "0", "0", "0", "普通", "正常", "2019-01-02",
     "", ""],
]  # fmt: skip
YOUZAN = [
    ["会员卡号", "姓名", "手机号码", "储值信息", "", "积分信息", "卡类型", "状态"],
    ["", "", "", "储值余额", "赠送余额", "可用积分", "", ""],
    ["Y001", "王五", "13700137000", "5", "1", "7", "金卡", "冻结"],
]  # fmt: skip


def write_csv(path: Path, rows: list[list[str]], encoding: str) -> Path:
    text = "\r\n".join(",".join(f'"{c}"' if "," in c else c for c in r) for r in rows)
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig"])
def test_csv_exports_with_titles_and_two_level_headers(
    ctx: CounterContext, manager, tmp_path: Path, encoding: str
) -> None:
    yinbao = write_csv(tmp_path / "yinbao.csv", YINBAO, encoding)
    report = import_members(ctx, manager, yinbao, dry_run=True)
    assert report.encoding == {"gbk": "gb18030"}.get(encoding, encoding)
    assert report.header_lines == (4,)
    assert outline(report) == [
        (5, "create", "张三", "13800138000", 8_880, 1_120, 1_200, "silver", "frozen", "05-20",
         None, "欠款已结", "2020-06-18 00:00:00", "总店"),
        (7, "create", "李四", "13900139000", 0, 0, 0, "normal", "active", "12-31", None, None,
         "2019-01-02 00:00:00", None),
    ]  # fmt: skip
    youzan = write_csv(tmp_path / "youzan.csv", YOUZAN, encoding)
    report = import_members(ctx, manager, youzan, dry_run=True)
    assert report.header_lines == (1, 2)
    assert report.mapping["bonus"] == "储值信息/赠送余额"
    assert report.mapping["points"] == "积分信息/可用积分"
    assert outline(report) == [
        (3, "create", "王五", "13700137000", 500, 100, 7, "gold", "frozen", None, None, None,
         None, None),
    ]  # fmt: skip
    assert import_members(ctx, manager, yinbao).imported
    assert import_members(ctx, manager, youzan).imported
    assert query(ctx, """SELECT c.card_no, m.bonus_fen, m.points, m.tier_code, c.status,
                                m.birthday_md, m.notes
                         FROM member m JOIN card c ON c.id = m.card_id
                         ORDER BY c.card_no""") == [
        ("C001", 1_120, 1_200, "silver", "frozen", "05-20", "欠款已结"),
        ("C002", 0, 0, "normal", "active", "12-31", None),
        ("Y001", 100, 7, "gold", "frozen", None, None),
    ]  # fmt: skip


def test_a_two_level_column_is_mapped_by_full_or_child_name_never_a_blank_one(
    ctx: CounterContext, manager, tmp_path: Path, snapshot: Snapshot
) -> None:
    youzan = write_csv(tmp_path / "youzan.csv", YOUZAN, "utf-8")
    table = read_members_table(youzan)
    assert table.headers == [
        "会员卡号", "姓名", "手机号码", "储值信息/储值余额", "储值信息/赠送余额",
        "积分信息/可用积分", "卡类型", "状态",
    ]  # fmt: skip
    by_child = import_members(ctx, manager, youzan, dry_run=True,
                              mapping={"principal": "赠送余额", "bonus": None})  # fmt: skip
    assert by_child.mapping["principal"] == "储值信息/赠送余额"
    assert by_child.rows[0].principal_fen == 100 and by_child.rows[0].bonus_fen == 0
    by_full = import_members(ctx, manager, youzan, dry_run=True,
                             mapping={"points": "积分信息/可用积分"})  # fmt: skip
    assert by_full.rows[0].points == 7
    blank = tmp_path / "blank.csv"
    blank.write_text("姓名,手机号,,积分\n张三,13800138000,9,1\n", encoding="utf-8")
    for target in ("", " "):
        refused(snapshot, "import_mapping_invalid", import_members, ctx, manager, blank,
                dry_run=True, mapping={"points": target})  # fmt: skip
    assert [c.column for c in import_members(ctx, manager, blank, dry_run=True).columns] == [
        "姓名", "手机号", "积分"]  # fmt: skip


def test_mapping_errors_and_help_list_the_fields_one_can_map(
    ctx: CounterContext, manager, tmp_path: Path, snapshot: Snapshot
) -> None:
    path = write_csv(tmp_path / "m.csv", YOUZAN, "utf-8")
    with pytest.raises(CounterError) as exc:
        import_members(ctx, manager, path, dry_run=True, mapping={"level": "卡类型"})
    assert exc.value.code == "import_field_unknown"
    text = str(exc.value.params) + exc.value.params["fields"]
    assert "'level'" not in exc.value.params["fields"] and all(f in text for f in FIELDS)
    for wrong in ({"phone": "没有这一列"}, {"points": ""}, {"name": 3}):
        with pytest.raises(CounterError) as exc:
            import_members(ctx, manager, path, dry_run=True, mapping=wrong)
        assert exc.value.code == "import_mapping_invalid"
        assert f"可映射的字段:{', '.join(FIELDS)}" in exc.value.message
    help_text = subprocess.run(
        [sys.executable, "-m", "launcher", "import", "members", "--help"],
        cwd=REPO, capture_output=True, text=True, timeout=60, check=True,
    ).stdout  # fmt: skip
    flat = " ".join(help_text.split())
    assert "--header-row" in flat and "--tier-map" in flat
    assert ", ".join(FIELDS) in flat


def test_the_command_names_the_header_row_maps_tiers_and_says_what_it_understood(
    cli, tmp_path: Path
) -> None:
    from app.cli.manager import import_lines
    from tests.integration.test_cli import MANAGER

    path = template_xlsx(tmp_path / "template.xlsx")
    code, data, _err = cli.run("import", "members", str(path), "--dry-run", "--header-row", "3",
                               "--tier-map", "VIP=金卡", staff=MANAGER)  # fmt: skip
    assert code == 0, data
    assert data["header_lines"] == [3, 4] and data["counts"]["create"] == 5
    assert [(r["line"], r["tier"], r["status"], r["birthday"]) for r in data["rows"]] == [
        (e[0], e[7], e[8], e[9]) for e in EXPECTED
    ]
    text = "\n".join(import_lines(data))
    assert "表头:第 3, 4 行" in text
    assert "储值信息/赠送余额 → bonus" in text
    assert "会员等级 → tier  金卡 → gold, VIP → gold, 普通 → normal, 钻石 → diamond" in text
    assert "状态 → status  正常 → active, 停用 → frozen, 挂失 → lost, 冻结 → frozen" in text
    assert "第 6 行  新建  李四 13900139000  gold  冻结  05-20" in text
    code, err, _ = cli.run("import", "members", str(path), "--dry-run",
                           "--mapping", '{"tier2": "会员等级"}', staff=MANAGER)  # fmt: skip
    assert code == 3 and err["code"] == "import_field_unknown"
    assert "unknown" not in err["error"] and "'tier2'" in err["error"]
    assert ", ".join(FIELDS) in err["error"]
    code, err, _ = cli.run("import", "members", str(path), "--dry-run", staff=MANAGER)
    assert code == 0 and err["counts"]["error"] == 1  # VIP is no tier here: its row says so
    code, err, _ = cli.run("import", "members", str(path), staff=MANAGER)
    assert code == 3 and err["code"] == "import_has_errors"
    code, done, _ = cli.run("import", "members", str(path), "--tier-map", "VIP=金卡",
                            staff=MANAGER)  # fmt: skip
    assert code == 0 and done["imported"] and done["counts"]["create"] == 5


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_a_title_right_above_the_header_is_no_parent(
    ctx: CounterContext, manager, tmp_path: Path, suffix: str
) -> None:
    """No blank row between title and header, and a column without a header: the title is
    skipped, the header is one row, its columns keep their own names."""
    rows = [["会员列表(共 2 人)"], ["姓名", "手机号", "", "积分"],
            ["张三", "13800138000", "x", "5"], ["李四", "13900139000", "", "6"]]  # fmt: skip
    path = tmp_path / f"titled{suffix}"
    if suffix == ".csv":
        write_csv(path, rows, "utf-8")
    else:
        book = Workbook()
        for row in rows:
            book.active.append(row)
        book.active.merge_cells("A1:D1")
        book.save(path)
    report = import_members(ctx, manager, path, dry_run=True)
    assert report.header_lines == (2,)
    assert report.mapping == {"name": "姓名", "phone": "手机号", "points": "积分"}
    assert [(r.line, r.action, r.name, r.points) for r in report.rows] == [
        (3, "create", "张三", 5), (4, "create", "李四", 6)]  # fmt: skip
