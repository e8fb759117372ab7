"""Exit codes as documented: refusals are 3 with a sentence, an unexpected fault is 1 with
its details in the log; no message names an exception class."""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import pytest

from app.cli import Extension, main
from tests.integration.test_cli import MANAGER, Cli
from tests.integration.test_cli import cli as cli  # the fixture

CLASS_NAME = re.compile(r"\b[A-Z][A-Za-z]*(Error|Exception)\b")


def test_a_printer_that_cannot_be_reached_is_a_refusal(tmp_path: Path) -> None:
    code, err, stderr = Cli(tmp_path / "d").run("printer", "test", "--printer", "tcp:127.0.0.1:9")
    assert code == 3 and err["code"] == "printer", (err, stderr)
    assert "打印机无法打印" in err["error"] and "127.0.0.1:9" in err["error"]
    assert not CLASS_NAME.search(err["error"]) and "Traceback" not in stderr


def test_a_file_that_cannot_be_written_is_a_refusal(cli: Cli, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    code, err, stderr = cli.run("export", "members", "--out", str(blocker / "m.xlsx"),
                                staff=MANAGER)  # fmt: skip
    assert code == 3 and err["code"] == "file_error", (err, stderr)
    assert str(blocker) in err["error"] and not CLASS_NAME.search(err["error"])


def test_an_unexpected_fault_is_1_with_its_details_in_the_log(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def add(sub: argparse._SubParsersAction) -> None:
        sub.add_parser("boom")

    def boom(_ctx: None, _actor: None, _args: argparse.Namespace) -> dict:
        raise RuntimeError("the flux capacitor melted")

    broken = Extension(add_parsers=add, handlers={("boom", None): boom},
                       no_store=frozenset({("boom", None)}))  # fmt: skip
    data_dir = tmp_path / "d"
    assert main(["--data-dir", str(data_dir), "--json", "boom"], extensions=[broken]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["code"] == "unexpected" and "详情已记入日志" in out["error"]
    assert not CLASS_NAME.search(out["error"]) and "flux" not in out["error"]
    log = data_dir / "logs" / "member-counter.log"
    assert str(log) in out["error"]
    text = log.read_text(encoding="utf-8")
    assert "boom failed" in text and "RuntimeError: the flux capacitor melted" in text
