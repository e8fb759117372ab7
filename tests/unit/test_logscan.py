"""The run's log scan (tests/logscan.py) finds what it must and nothing it must not."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from tests.logscan import scan_logs, scan_text, wide_files

CLEAN = """\
2026-03-15 10:00:00,123 INFO member_counter.files: tightened permissions of /d from 755 to 700
registered member 01a23374-b85f-70ab-b40a-583322955b5d card 886505737553 phone 139****0055
HQ at postgresql+psycopg://postgres@127.0.0.1:5432/test, push of 13900000055000 fen
"""


def test_a_clean_log_is_clean() -> None:
    assert list(scan_text(Path("x.log"), CLEAN)) == []


@pytest.mark.parametrize(
    ("line", "what"),
    [
        ("[parameters: ('01a2', '赵六', '13900000077', None)]", "phone"),
        ("lookup 15000001234 failed", "phone"),
        ("mail zhao.liu@example.cn bounced", "e-mail"),
    ],
)
def test_a_phone_or_an_e_mail_is_found_and_not_repeated(line: str, what: str) -> None:
    [finding] = scan_text(Path("x.log"), CLEAN + line)
    assert finding.what == what and finding.line == 4
    assert "13900000077" not in str(finding) and "zhao.liu@" not in str(finding)


def test_files_under_the_run_and_their_modes() -> None:
    # Outside pytest's temporary directory: the run's own scan must not see this plant.
    with tempfile.TemporaryDirectory() as folder:
        _files_and_modes(Path(folder))


def _files_and_modes(tmp_path: Path) -> None:
    data = tmp_path / "t" / "data"
    (data / "logs").mkdir(parents=True)
    (data / "logs" / "member-counter.log.1").write_text("ok\nphone 13800138000\n")
    (data / "counter.sqlite3").write_bytes(b"")
    count, found = scan_logs(tmp_path)
    assert count == 1 and [f.what for f in found] == ["phone"]
    if os.name == "posix":
        os.chmod(data, 0o755)
        os.chmod(data / "counter.sqlite3", 0o644)
        os.chmod(data / "logs", 0o700)
        os.chmod(data / "logs" / "member-counter.log.1", 0o600)
        wide = {f.path.name: f.what for f in wide_files(tmp_path)}
        assert wide == {"counter.sqlite3": "mode 644", "data": "mode 755"}
        os.chmod(data, 0o700)
        os.chmod(data / "counter.sqlite3", 0o600)
        assert list(wide_files(tmp_path)) == []
