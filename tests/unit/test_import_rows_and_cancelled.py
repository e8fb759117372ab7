"""Member import: rows that are no member (totals lines, the header repeated on each page of
a paged export) are skipped and reported by line, and 注销 members of the old system come in
as cancelled members, kept for history, as the app's own 注销 leaves one."""

from __future__ import annotations

from pathlib import Path

from app.services.context import CounterContext
from app.services.importing import import_members
from app.services.stored_value import top_up
from tests.helpers import Snapshot, ledger_checked, query, refused


def write_csv(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    return path


PAGED = [
    "会员资料导出",
    "卡号,姓名,手机号,余额,积分",
    "C001,张三,13800138000,100.00,10",
    "C002,李四,13900139000,50.00,0",
    "本页合计,,,150.00,10",
    "",
    "卡号,姓名,手机号,余额,积分",  # page 2 repeats the header
    "C003,王五,13700137000,20.00,5",
    "合计:,3 人,,170.00,15",
    "总计,,,170.00,15",
    "小计(第2页),,,20.00,5",
]


def outline(report) -> list[tuple]:
    return [(r.line, r.action, r.code, r.name) for r in report.rows]


def test_totals_lines_and_repeated_headers_are_skipped_and_reported(
    ctx: CounterContext, manager, tmp_path: Path, snapshot: Snapshot
) -> None:
    path = write_csv(tmp_path / "paged.csv", PAGED)
    before = snapshot()
    dry = import_members(ctx, manager, path, dry_run=True)
    assert snapshot() == before
    assert outline(dry) == [
        (3, "create", None, "张三"),
        (4, "create", None, "李四"),
        (5, "skipped", "import_row_totals", ""),
        (7, "skipped", "import_row_header", "姓名"),
        (8, "create", None, "王五"),
        (9, "skipped", "import_row_totals", "3 人"),
        (10, "skipped", "import_row_totals", ""),
        (11, "skipped", "import_row_totals", ""),
    ]
    by_line = {r.line: r for r in dry.rows}
    assert by_line[5].message == "合计行(本页合计),不是会员,跳过"
    assert by_line[7].message == "重复的表头行(分页导出),不是会员,跳过"
    assert dry.counts() == {"create": 3, "duplicate": 0, "exists": 0, "skipped": 5, "error": 0}
    assert dry.totals()["principal_fen"] == 17_000  # the totals lines are not counted again
    done = import_members(ctx, manager, path)
    assert done.imported and outline(done) == outline(dry)
    assert query(ctx, "SELECT name, principal_fen, points FROM member ORDER BY phone") == [
        ("王五", 2_000, 5), ("张三", 10_000, 10), ("李四", 5_000, 0)]  # fmt: skip


def test_a_member_named_like_a_total_with_a_phone_is_a_member(
    ctx: CounterContext, manager, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "odd.csv", ["姓名,手机号", "合计,13800138000"])
    assert outline(import_members(ctx, manager, path, dry_run=True)) == [
        (2, "create", None, "合计")
    ]


def test_a_cancelled_member_comes_in_as_history_without_balances(
    ctx: CounterContext, manager, cashier, register, tmp_path: Path, snapshot: Snapshot
) -> None:
    register(name="赵六", phone="13600136000")  # joined here again after 注销 there
    path = write_csv(tmp_path / "old.csv", [
        "卡号,姓名,手机号,余额,赠送金,积分,状态",
        "C001,张三,13800138000,100.00,0,0,正常",
        "C002,李四,13900139000,30.00,5.00,200,注销",
        "C003,王五,13700137000,0,0,0,已注销",
        "C004,赵六,13600136000,0,0,0,注销",
        "C005,张三,13800138000,0,0,0,注销",  # 张三's old card, cancelled: his phone is free
    ])  # fmt: skip
    dry = import_members(ctx, manager, path, dry_run=True)
    assert [(r.line, r.action, r.code, r.status, r.principal_fen, r.points) for r in dry.rows] == [
        (2, "create", None, "active", 10_000, 0),
        (3, "create", "import_cancelled_balance", "cancelled", 0, 0),
        (4, "create", "import_cancelled", "cancelled", 0, 0),
        (5, "create", "import_cancelled", "cancelled", 0, 0),
        (6, "create", "import_cancelled", "cancelled", 0, 0),
    ]
    assert dry.rows[1].message == (
        "已注销会员:作为注销会员导入(留作历史,卡不能使用);文件中的储值 ¥35.00、积分 200 "
        "不导入(注销时已结清)"
    )
    assert dry.totals() == {"members": 5, "principal_fen": 10_000, "bonus_fen": 0, "points": 0}
    assert {c.column: c.values for c in dry.columns}["状态"] == {
        "正常": "active", "注销": "cancelled", "已注销": "cancelled"}  # fmt: skip

    assert import_members(ctx, manager, path).imported
    rows = query(ctx, "SELECT c.card_no, m.name, m.status, c.status, m.id FROM member m "
                      "JOIN card c ON c.id = m.card_id WHERE m.source = 'import' "
                      "ORDER BY c.card_no")  # fmt: skip
    assert [r[:4] for r in rows] == [
        ("C001", "张三", "active", "active"),
        ("C002", "李四", "cancelled", "cancelled"),
        ("C003", "王五", "cancelled", "cancelled"),
        ("C004", "赵六", "cancelled", "cancelled"),
        ("C005", "张三", "cancelled", "cancelled"),
    ]
    assert ledger_checked(ctx, rows[1][4]) == (0, 0, 0)
    # The card of a cancelled member cannot be used.
    refused(snapshot, "card_cancelled", top_up, ctx, cashier, "C002", 10_000, "cash")
    # The same file again: the cancelled members are there already, like the active ones.
    again = import_members(ctx, manager, path, dry_run=True)
    assert [(r.line, r.action, r.code) for r in again.rows] == [
        (2, "exists", "import_member_exists"),
        (3, "exists", "import_cancelled_exists"),
        (4, "exists", "import_cancelled_exists"),
        (5, "exists", "import_cancelled_exists"),
        (6, "exists", "import_cancelled_exists"),
    ]
