"""Imports bounded and clean: bad files refused fast, with a message, in bounded memory.

Each hostile file goes to the real CLI in a fresh process; a small wrapper process reports
the CLI's peak memory (``RUSAGE_CHILDREN``), so nothing else the suite ran is counted.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from app.services import spreadsheets
from app.services.importing import import_members
from tests.conftest import ADMIN_PIN

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="resource is POSIX only")

MAX_SECONDS = 5.0
MAX_PEAK_MB = 300

_WRAPPER = """
import resource, subprocess, sys, time
start = time.monotonic()
proc = subprocess.run(sys.argv[1:], capture_output=True, text=True)
print(proc.returncode)
print(time.monotonic() - start)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.stdout.write(proc.stdout + proc.stderr)
"""


def xlsx_rows(path: Path, rows: int, *, dimension: bool = True) -> Path:
    """A minimal .xlsx of one column and ``rows`` rows, written directly (openpyxl would take
    a minute for a million rows); the sheet's <dimension> may be left out."""
    head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr(
            "[Content_Types].xml",
            f'{head}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
            'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.worksheet+xml"/></Types>',
        )
        z.writestr(
            "_rels/.rels",
            f'{head}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            f'relationships"><Relationship Id="rId1" Type="{rel}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>',
        )
        z.writestr(
            "xl/workbook.xml",
            f'{head}<workbook {ns} xmlns:r="{rel}"><sheets><sheet name="Sheet1" sheetId="1" '
            'r:id="rId1"/></sheets></workbook>',
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            f'{head}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            f'relationships"><Relationship Id="rId1" Type="{rel}/worksheet" '
            'Target="worksheets/sheet1.xml"/></Relationships>',
        )
        with z.open("xl/worksheets/sheet1.xml", "w") as sheet:
            dim = f'<dimension ref="A1:A{rows}"/>' if dimension else ""
            sheet.write(f"{head}<worksheet {ns}>{dim}<sheetData>".encode())
            chunk = []
            for _ in range(rows):
                chunk.append("<row><c><v>1</v></c></row>")  # row and cell numbers are optional
                if len(chunk) == 10_000:
                    sheet.write("".join(chunk).encode())
                    chunk = []
            sheet.write(("".join(chunk) + "</sheetData></worksheet>").encode())
    return path


def run_import(data_dir: Path, target: str) -> tuple[int, float, float, str]:
    """(exit code, seconds, peak MB, output) of ``import members TARGET --dry-run``."""
    env = {**os.environ, "MEMBER_COUNTER_DATA_DIR": str(data_dir)}
    cli = [sys.executable, "-m", "launcher", "--staff", "admin", "--pin", ADMIN_PIN,
           "import", "members", target, "--dry-run"]  # fmt: skip
    out = subprocess.run(
        [sys.executable, "-c", _WRAPPER, *cli], capture_output=True, text=True, env=env,
        timeout=120,
    ).stdout  # fmt: skip
    code, seconds, peak_kb, *rest = out.split("\n")
    return int(code), float(seconds), int(peak_kb) / 1024, "\n".join(rest)


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    data_dir = tmp_path / "data"
    env = {**os.environ, "MEMBER_COUNTER_DATA_DIR": str(data_dir)}
    subprocess.run(
        [sys.executable, "-m", "launcher", "init", "--store-code", "S1", "--store-name", "店",
         "--admin-pin", ADMIN_PIN], check=True, env=env, capture_output=True,
    )  # fmt: skip
    return data_dir


def _hostile_files(tmp_path: Path) -> dict[str, tuple[str, str]]:
    """name -> (path, the message's distinctive words)."""
    random_xlsx = tmp_path / "random.xlsx"
    random_xlsx.write_bytes(os.urandom(300_000))
    long_field = tmp_path / "long.csv"
    long_field.write_text("姓名,手机号\n" + "张三,13900000001\n" + "x" * 140_000 + ",1\n")
    return {
        "random bytes .xlsx": (str(random_xlsx), "不是有效的 Excel .xlsx 文件"),
        "a field over 128 KB": (str(long_field), "个字符,这不像会员表"),
        "1,048,000-row .xlsx": (
            str(xlsx_rows(tmp_path / "rows.xlsx", 1_048_000)),
            "超过 200,000 行",
        ),
        "/dev/zero": ("/dev/zero", "不是普通文件"),
    }


def test_hostile_files_are_refused_fast_in_bounded_memory(store_dir: Path, tmp_path: Path):
    made = _hostile_files(tmp_path)
    assert Path(made["1,048,000-row .xlsx"][0]).stat().st_size < 1_000_000
    for name, (target, words) in made.items():
        code, seconds, peak_mb, output = run_import(store_dir, target)
        assert code == 3, (name, output)
        assert words in output, (name, output)
        assert "Traceback" not in output and "Error:" not in output, (name, output)
        assert seconds < MAX_SECONDS, (name, seconds)
        assert peak_mb < MAX_PEAK_MB, (name, peak_mb)


def test_a_million_rows_without_a_stated_dimension_stop_at_the_limit(tmp_path: Path) -> None:
    path = xlsx_rows(tmp_path / "nodim.xlsx", 1_048_000, dimension=False)
    start = time.monotonic()
    with pytest.raises(spreadsheets.ValidationError) as exc:
        spreadsheets.read_table(path)
    assert exc.value.code == "import_too_many_rows"
    assert time.monotonic() - start < MAX_SECONDS * 2  # streams only to the limit


def test_the_limit_itself_is_allowed(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(spreadsheets, "MAX_ROWS", 3)
    path = tmp_path / "m.csv"
    path.write_text("姓名,手机号\n" + "".join(f"张{i},1390000000{i}\n" for i in range(3)))
    assert len(spreadsheets.read_table(path).rows) == 3
    path.write_text("姓名,手机号\n" + "".join(f"张{i},1390000000{i}\n" for i in range(4)))
    with pytest.raises(spreadsheets.ValidationError) as exc:
        spreadsheets.read_table(path)
    assert exc.value.code == "import_too_many_rows"


@pytest.mark.parametrize(
    ("content", "name", "code"),
    [
        (b"\xff\xff\xff\n", "bad.csv", "import_encoding"),
        ("姓名,手机号\n张\x00三,13900000001\n".encode(), "nul.csv", "import_nul"),
        (b"PK\x03\x04 not really a zip", "fake.xlsx", "import_not_xlsx"),
        (b"", "empty.csv", "import_empty"),
    ],
)
def test_unreadable_files_say_what_is_wrong(ctx, manager, tmp_path, content, name, code):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(spreadsheets.ValidationError) as exc:
        import_members(ctx, manager, path, dry_run=True)
    assert exc.value.code == code


def test_a_zip_that_is_not_a_workbook_and_a_fifo(ctx, manager, tmp_path) -> None:
    path = tmp_path / "other.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(spreadsheets.ValidationError) as exc:
        import_members(ctx, manager, path, dry_run=True)
    assert exc.value.code == "import_not_xlsx"
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    with pytest.raises(spreadsheets.ValidationError) as exc:
        import_members(ctx, manager, fifo, dry_run=True)  # would block forever if opened
    assert exc.value.code == "import_not_regular"


def test_the_refusal_reads_in_english_too(store_dir: Path, tmp_path: Path) -> None:
    env = {**os.environ, "MEMBER_COUNTER_DATA_DIR": str(store_dir)}
    proc = subprocess.run(
        [sys.executable, "-m", "launcher", "--lang", "en", "--json", "--staff", "admin",
         "--pin", ADMIN_PIN, "import", "members", "/dev/zero", "--dry-run"],
        capture_output=True, text=True, env=env,
    )  # fmt: skip
    assert proc.returncode == 3
    assert json.loads(proc.stdout)["error"] == (
        "Cannot import from /dev/zero: it is not a regular file (a folder, device or pipe)"
    )
