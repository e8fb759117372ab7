"""The same smoke test on the frozen bundle and on the wheel in a fresh virtual environment:
what a store sees on first start, in both languages, the demo store, the printer test page,
and a database made by the previous release, migrated (after a backup) and still right."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from app.persistence.migrate import file_revision, head_revision
from app.version import __version__
from tests.packaging.conftest import BUILD_TIMEOUT, Installed

# The first test of the session waits for the bundle or the wheel to be built (minutes on a
# busy machine): the whole of it counts against pytest-timeout's limit.
pytestmark = pytest.mark.timeout(BUILD_TIMEOUT)

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "release-0.1.0"
GOLDEN_TEST_PAGE = ROOT / "tests" / "devices" / "golden" / "testpage_80.bin"


def smoke(installed: Installed, data_dir: Path, report: Path, *args: str) -> dict:
    installed.ok("--data-dir", str(data_dir), *args, "--smoke-test", str(report))
    return json.loads(report.read_text(encoding="utf-8"))


def test_version(installed: Installed) -> None:
    done = installed.ok("--version")
    assert done.stdout.strip() == f"member-counter {__version__}"


def test_the_window_opens_on_the_first_run_screen_in_chinese(
    installed: Installed, tmp_path: Path
) -> None:
    seen = smoke(installed, tmp_path / "data", tmp_path / "zh.json")
    assert seen["screen"] == "first-run"
    assert seen["title"] == "欢迎使用会员收银台"
    assert "建立演示门店并开始试用" in seen["texts"]
    assert seen["qt_cancel"] == "取消", "Qt's own qtbase_zh_CN translation is not loaded"
    assert seen["platform"] == "offscreen"
    assert {"png", "jpeg", "ico"} <= set(seen["image_formats"]), "image-format plugins missing"
    assert seen["version"] == __version__


def test_english_comes_from_the_installed_translation(installed: Installed, tmp_path: Path) -> None:
    seen = smoke(installed, tmp_path / "data", tmp_path / "en.json", "--lang", "en")
    assert seen["screen"] == "first-run"
    assert seen["title"] == "Welcome to Member Counter"
    assert "This counter has no store yet" in seen["texts"]
    assert not any("门店" in t for t in seen["texts"]), seen["texts"]


def test_demo_creates_the_demo_store_and_the_window_then_asks_for_sign_in(
    installed: Installed, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    demo = installed.json("--data-dir", str(data), "demo")
    assert demo["store_code"] == "DEMO"
    assert len(demo["members"]) == 5 and len(demo["created"]) == 5
    plain = installed.ok("--data-dir", str(data), "demo").stdout
    assert "收银窗口将在界面版本中提供" not in plain
    assert f"打开收银窗口:member-counter --data-dir {data}" in plain
    seen = smoke(installed, data, tmp_path / "signin.json")
    assert seen["screen"] == "sign-in"


def test_printer_test_page_bytes(installed: Installed, tmp_path: Path) -> None:
    out = tmp_path / "printer.bin"
    installed.json(
        "--data-dir", str(tmp_path / "data"), "printer", "test", "--printer", f"file:{out}"
    )
    assert out.read_bytes() == GOLDEN_TEST_PAGE.read_bytes()


def test_a_database_of_the_previous_release_is_backed_up_migrated_and_right(
    installed: Installed, tmp_path: Path
) -> None:
    expected = json.loads((FIXTURE / "expected.json").read_text())
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(FIXTURE / "counter.sqlite3", data / "counter.sqlite3")
    assert file_revision(data / "counter.sqlite3") == expected["revision"]
    staff, pin = expected["staff"]

    as_staff = ("--data-dir", str(data), "--staff", staff, "--pin", pin)
    member = installed.json(*as_staff, "member", "show", expected["member"])
    assert member["stored_value"] == expected["stored_value"]
    assert member["points"] == expected["points"]
    assert member["cumulative_spend"] == expected["cumulative_spend"]
    assert file_revision(data / "counter.sqlite3") == head_revision() != expected["revision"]
    (backup,) = (data / "backups").glob("before-upgrade-r*.sqlite3")
    assert file_revision(backup) == expected["revision"]
    with sqlite3.connect(backup) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    manager, manager_pin = expected["manager"]
    audit = installed.json(
        "--data-dir", str(data), "--staff", manager, "--pin", manager_pin, "audit", "verify"
    )
    assert audit["ok"] is True and audit["entries"] == expected["audit_entries"]
    topup = installed.json(
        *as_staff, "topup", expected["member"], "--amount", "100", "--method", "cash"
    )
    assert topup["stored_value"]["total"] == "1371.50"
    assert len(list((data / "backups").glob("*.sqlite3"))) == 1, "a second start backed up again"


def test_nothing_is_found_from_the_source_tree(installed: Installed, tmp_path: Path) -> None:
    """The installation's own files serve it: its translations, icon and migrations."""
    data = tmp_path / "data"
    installed.ok("--data-dir", str(data), "demo")
    probe = (
        "import app.packaged as p; print(p.packaged_path('resources', 'translations', "
        "'member_counter_en.qm')); print(p.packaged_path('app.persistence', 'migrations'))"
    )
    if installed.kind == "wheel":
        python = Path(installed.command[0]).with_name("python")
        import subprocess

        out = subprocess.run(
            [str(python), "-c", probe], capture_output=True, text=True, check=True, cwd=tmp_path
        ).stdout.split()
        for path in out:
            assert Path(path).exists() and str(installed.home) in path, path
            assert str(ROOT) not in path
    else:
        internal = installed.home / "_internal"
        assert (internal / "resources" / "translations" / "member_counter_en.qm").is_file()
        assert (internal / "app" / "persistence" / "migrations" / "versions").is_dir()
