"""Member import (会员导入与迁移): messy files, an exact dry-run report, all or nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook

from app.services import closing
from app.services.context import CounterContext
from app.services.importing import (
    ImportRefusedError,
    guess_mapping,
    import_members,
    resolve_mapping,
)
from app.services.lookup import show_member
from app.services.maintenance import verify_audit
from tests.helpers import Snapshot, ledger_checked, query, refused

HEADER = ["姓名", "手机号", "卡号", "余额", "积分", "生日", "性别"]
ROWS = [
    ["张三", "１３８００１３８０００", "", "100.00", "200", "1990-05-20", "男"],
    ["李四", "+86 139 0013 9000", "a0001", "50", "0", "1985/3/7", "女"],
    ["张三", "13800138000", "", "100", "200", "1990年5月20日", "男"],  # line 2 again
    ["王五", "13700137000", "", "20", "10", "1990-13-45", ""],
    ["赵六", "12345", "", "0", "0", "", ""],
    ["钱七", "13600136000", "A0001", "0", "0", "", ""],  # line 3's card
    ["孙八", "13500135000", "", "abc", "0", "", ""],
    ["周九", "13400134000", "", "", "1.5", "", ""],
    ["吴十", "13200132000", "", "30", "5", "", ""],  # already a member
    ["郑一", "+8613300133000", "", "1,234.50", "1,000", "19880101", ""],
]
EXPECTED = [  # (line, action, code, phone)
    (2, "create", None, "13800138000"),
    (3, "create", None, "13900139000"),
    (4, "duplicate", "import_duplicate_row", "13800138000"),
    (5, "error", "birthday_invalid", "13700137000"),
    (6, "error", "phone_invalid", "12345"),
    (7, "error", "import_duplicate_conflict", "13600136000"),
    (8, "error", "amount_invalid", "13500135000"),
    (9, "error", "points_invalid", "13400134000"),
    (10, "exists", "import_member_exists", "13200132000"),
    (11, "create", None, "13300133000"),
]


def write_csv(path: Path, rows: list[list[str]], encoding: str) -> Path:
    text = "\r\n".join(",".join(f'"{c}"' if "," in c else c for c in r) for r in rows)
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture
def existing(register):
    return register(name="吴十", phone="13200132000")


def outline(report) -> list[tuple]:
    return [(r.line, r.action, r.code, r.phone) for r in report.rows]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_dry_run_reports_every_row_exactly(
    ctx: CounterContext, manager, existing, tmp_path: Path, snapshot: Snapshot, encoding: str
) -> None:
    path = write_csv(tmp_path / "old.csv", [HEADER, *ROWS], encoding)
    before = snapshot()
    report = import_members(ctx, manager, path, dry_run=True)
    assert snapshot() == before
    assert report.encoding == {"gbk": "gb18030"}.get(encoding, encoding)
    assert outline(report) == EXPECTED
    assert report.counts() == {"create": 3, "duplicate": 1, "exists": 1, "skipped": 0,
                               "error": 5}  # fmt: skip
    assert report.totals() == {"members": 3, "principal_fen": 10_000 + 5_000 + 123_450,
                               "bonus_fen": 0, "points": 1_200}  # fmt: skip
    by_line = {r.line: r for r in report.rows}
    assert by_line[3].card_no == "A0001"
    assert by_line[4].params == {"line": 2} and by_line[7].params == {"line": 3}
    assert by_line[10].message == ("已是本店会员 吴十,跳过(文件中的余额 ¥30.00、积分 5 不导入)")


def test_errors_refuse_the_import_and_change_nothing(
    ctx, manager, existing, tmp_path, snapshot: Snapshot
) -> None:
    path = write_csv(tmp_path / "old.csv", [HEADER, *ROWS], "utf-8")
    exc = refused(snapshot, "import_has_errors", import_members, ctx, manager, path)
    assert isinstance(exc, ImportRefusedError) and exc.params == {"errors": 5}
    assert outline(exc.report) == EXPECTED


def test_import_skipping_errors_writes_members_with_migration_entries(
    ctx, manager, existing, tmp_path, clock
) -> None:
    path = write_csv(tmp_path / "old.csv", [HEADER, *ROWS], "gbk")
    seen: list[tuple[str, int, int]] = []
    report = import_members(ctx, manager, path, skip_errors=True,
                            progress=lambda *a: seen.append(a))  # fmt: skip
    assert report.imported and report.counts()["create"] == 3
    assert seen[-1] == ("write", 3, 3) and ("check", 10, 10) in seen
    zhang = show_member(ctx, manager, "13800138000")
    assert (zhang.name, zhang.birthday, zhang.gender) == ("张三", dt.date(1990, 5, 20), "m")
    assert ledger_checked(ctx, zhang.member_id) == (10_000, 0, 200)
    zheng = show_member(ctx, manager, "13300133000")
    assert ledger_checked(ctx, zheng.member_id) == (123_450, 0, 1_000)
    assert zheng.birthday == dt.date(1988, 1, 1) and zheng.card_no.startswith("88")
    li = show_member(ctx, manager, "A0001")
    assert li.name == "李四" and li.principal_fen == 5_000
    kinds = query(ctx, "SELECT DISTINCT kind FROM sv_entry UNION SELECT DISTINCT kind "
                       "FROM points_entry")  # fmt: skip
    assert sorted(k for (k,) in kinds) == ["migration"]
    events = query(ctx, "SELECT type, COUNT(*) FROM outbox WHERE type LIKE 'member.import%' "
                        "GROUP BY type ORDER BY type")  # fmt: skip
    assert events == [("member.import_batch", 1), ("member.imported", 3)]
    check = verify_audit(ctx, manager)
    assert check.ok, check
    z = closing.z_report(ctx, manager, dt.date(2026, 3, 15))
    assert z["migration"] == {"members": 3, "principal_fen": 138_450, "bonus_fen": 0,
                              "points": 1_200}  # fmt: skip
    assert z["members"] == {"new": 1, "imported": 3}
    assert z["sales"]["net_fen"] == 0 and z["topups"]["amount_fen"] == 0
    # Importing the same file again creates nobody: they are all members now.
    again = import_members(ctx, manager, path, dry_run=True)
    assert again.counts()["create"] == 0 and again.counts()["exists"] == 4


def test_xlsx_made_by_openpyxl(ctx, manager, tmp_path) -> None:
    book = Workbook()
    ws = book.active
    ws.append(["Name", "Mobile", "Card No", "Balance", "Points", "Birthday", "总部备注"])
    ws.append(["Li Lei", 13800138000, None, 100.5, 20, dt.datetime(1990, 5, 20), "x"])
    ws.append(["韩梅梅", "139-0013-9000", "88000000", 0, None, None, None])
    ws.append([None, None, None, None, None, None, None])  # a blank row is dropped
    path = tmp_path / "old.xlsx"
    book.save(path)
    report = import_members(ctx, manager, path, dry_run=True)
    assert report.encoding == "xlsx"
    assert report.mapping == {"name": "Name", "phone": "Mobile", "card_no": "Card No",
                              "principal": "Balance", "points": "Points",
                              "birthday": "Birthday"}  # fmt: skip
    assert [(r.line, r.action, r.phone, r.principal_fen, r.points) for r in report.rows] == [
        (2, "create", "13800138000", 10_050, 20),
        (3, "create", "13900139000", 0, 0),
    ]
    done = import_members(ctx, manager, path)
    assert done.imported
    assert show_member(ctx, manager, "88000000").name == "韩梅梅"


def test_mapping_guess_and_override(tmp_path) -> None:
    headers = ["会员姓名", "联系电话", "备用电话", "卡内余额", "积分余额"]
    assert guess_mapping(headers) == {"name": "会员姓名", "phone": "联系电话",
                                      "principal": "卡内余额", "points": "积分余额"}  # fmt: skip
    assert resolve_mapping(headers, {"phone": "备用电话", "points": None}) == {
        "name": "会员姓名", "phone": "备用电话", "principal": "卡内余额"}  # fmt: skip
    with pytest.raises(Exception) as exc:
        resolve_mapping(["名称", "号码"])
    assert getattr(exc.value, "code", None) == "import_columns_missing"
    with pytest.raises(Exception) as exc:
        resolve_mapping(headers, {"phone": "没有这一列"})
    assert getattr(exc.value, "code", None) == "import_mapping_invalid"


def test_a_failure_midway_leaves_the_database_untouched(
    ctx, manager, tmp_path, snapshot: Snapshot
) -> None:
    rows = [HEADER] + [[f"会员{i}", f"135{i:08d}", "", "10", "1", "", ""] for i in range(2500)]
    path = write_csv(tmp_path / "big.csv", rows, "utf-8")
    before = snapshot()

    def fail_after_first_batch(stage: str, done: int, total: int) -> None:
        if stage == "write" and done == 2000:  # 2,000 members already flushed
            raise OSError("disk full")

    with pytest.raises(OSError):
        import_members(ctx, manager, path, progress=fail_after_first_batch)
    assert snapshot() == before
    report = import_members(ctx, manager, path)
    assert report.counts()["create"] == 2500
    assert query(ctx, "SELECT COUNT(*) FROM member WHERE source = 'import'") == [(2500,)]
    assert verify_audit(ctx, manager).ok


def test_cashiers_cannot_import(ctx, cashier, tmp_path, snapshot: Snapshot) -> None:
    path = write_csv(tmp_path / "old.csv", [HEADER, *ROWS[:1]], "utf-8")
    refused(snapshot, "permission_denied", import_members, ctx, cashier, path)


def test_no_import_into_a_closed_date(ctx, manager, tmp_path) -> None:
    from app.services.closing import close_day

    closed = close_day(ctx, manager)["business_date"]
    path = write_csv(tmp_path / "old.csv", [HEADER, *ROWS[:2]], "utf-8")
    assert import_members(ctx, manager, path, dry_run=True).counts()["create"] == 2
    import_members(ctx, manager, path)  # after the close: into the next business date
    dates = {d for (d,) in query(ctx, "SELECT DISTINCT business_date FROM txn")}
    assert closed not in dates and dates == {
        (dt.date.fromisoformat(closed) + dt.timedelta(days=1)).isoformat()
    }
