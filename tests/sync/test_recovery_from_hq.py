"""With HQ, HQ can issue the code that unlocks a counter's admin: ``member-hq device
recovery-code`` at HQ, ``member-counter staff recover`` at the counter (offline is fine)."""

from __future__ import annotations

import json

import pytest

from app.domain.errors import AuthenticationError
from app.services.security import sign_in
from launcher import main as counter_main
from server.cli import main as hq_main
from sync.config import load_config
from tests.hqkit import ADMIN_PIN, HQServer


def _json(capsys: pytest.CaptureFixture[str]) -> dict:
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


def test_hq_issues_a_code_the_locked_out_counter_takes_once(
    hq: HQServer, make_counter, capsys
) -> None:
    counter = make_counter("S001")
    device_id = load_config(counter.data_dir).device_id  # type: ignore[union-attr]
    for _ in range(5):
        with pytest.raises(AuthenticationError):
            sign_in(counter.ctx, "admin", "0000")
    with pytest.raises(AuthenticationError):
        sign_in(counter.ctx, "admin", ADMIN_PIN)  # locked
    assert hq_main(["--db", hq.url, "--json", "device", "recovery-code", device_id]) == 0
    issued = _json(capsys)
    assert issued["store_code"] == "S001" and len(issued["recovery_code"]) == 28
    hq.stop()  # the counter checks HQ's code without HQ
    argv = ["--data-dir", str(counter.data_dir), "--json", "staff", "recover",
            "--code", issued["recovery_code"], "--new-pin", "5937"]  # fmt: skip
    assert counter_main(argv) == 0
    done = _json(capsys)
    assert done["used"] == "hq" and len(done["recovery_code"]) == 23
    assert sign_in(counter.ctx, "admin", "5937").role == "admin"
    assert counter_main(argv) == 3  # never twice
    assert _json(capsys)["code"] == "recovery_code_wrong"
    assert hq_main(["--db", hq.url, "--json", "device", "recovery-code", "nobody"]) == 3
