"""member-hq: stores and enrollment codes, devices, rules, staff."""

from __future__ import annotations

import json
from pathlib import Path

from app.services.members import Registration, register_member
from server.cli import main as hq_main
from tests.hqkit import HQServer

PHONE = "13900000071"


def run(capsys, hq: HQServer, *args: str) -> tuple[int, dict]:
    code = hq_main(["--db", hq.url, "--json", *args])
    out = capsys.readouterr().out.strip().splitlines()
    return code, json.loads(out[-1]) if out else {}


def test_store_device_rules_staff_commands(hq: HQServer, make_counter, capsys, tmp_path: Path):
    code, data = run(capsys, hq, "store", "add", "--code", "S001", "--name", "一号店")
    assert code == 0 and len(data["code"]) == 14 and data["store_code"] == "S001"
    counter = make_counter("S001", enroll=False)
    counter.enroll(hq.base_url, data["code"])
    code, data = run(capsys, hq, "store", "list")
    assert [s["code"] for s in data["stores"]] == ["S001"]

    code, data = run(capsys, hq, "device", "list")
    (device,) = data["devices"]
    assert device["store_code"] == "S001" and not device["revoked"]
    assert device["history_head"] == 3  # it brought store.initialised and its two staff
    code, data = run(capsys, hq, "device", "revoke", device["device_id"])
    assert code == 0
    code, data = run(capsys, hq, "device", "list")
    assert data["devices"][0]["revoked"]
    code, data = run(capsys, hq, "device", "revoke", "nope")
    assert code == 3 and data["code"] == "device_unknown"

    code, rules = run(capsys, hq, "rules", "show")
    assert rules["tiers"][0]["code"] == "normal"
    rules["card_replace_fee_fen"] = 500
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(rules), encoding="utf-8")
    assert run(capsys, hq, "rules", "set", str(path))[0] == 0
    assert run(capsys, hq, "rules", "show")[1]["card_replace_fee_fen"] == 500
    rules["tiers"] = []
    path.write_text(json.dumps(rules), encoding="utf-8")
    code, data = run(capsys, hq, "rules", "set", str(path))
    assert code == 3 and data["code"] == "rules_invalid"

    code, data = run(
        capsys,
        hq,
        "staff",
        "add",
        "--no",
        "m9",
        "--name",
        "店长",
        "--role",
        "manager",
        "--pin",
        "12",
    )
    assert code == 3 and data["code"] == "staff_invalid"
    assert (
        run(
            capsys,
            hq,
            "staff",
            "add",
            "--no",
            "m9",
            "--name",
            "店长",
            "--role",
            "manager",
            "--pin",
            "2468",
        )[0]
        == 0
    )
    assert run(capsys, hq, "staff", "list")[1]["staff"] == [
        {"staff_no": "m9", "name": "店长", "role": "manager", "active": True}
    ]
    assert run(capsys, hq, "conflicts")[1] == {"conflicts": []}


def test_serve_with_two_worker_processes(hq: HQServer, make_counter, tmp_path: Path) -> None:
    """`member-hq serve --workers 2`: two processes on one database take a counter's sync."""
    import subprocess
    import sys

    from tests.sync.test_faults import _wait_up

    hq.stop()
    port = hq.port
    log = (tmp_path / "hq.log").open("wb")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "server",
            "--db",
            hq.url,
            "serve",
            "--port",
            str(port),
            "--workers",
            "2",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_up(port)
        counter = make_counter("S001", url=f"http://127.0.0.1:{port}")
        register_member(
            counter.ctx, counter.cashier, Registration(name="李四", phone=PHONE, consent=True)
        )
        report = counter.sync()
        assert report.pushed > 0
        client = counter.client()
        assert client.lookup(PHONE).members[0].phone_masked == "139****0071"
        client.close()
    finally:
        proc.terminate()
        proc.wait(20)
        log.close()
    text = (tmp_path / "hq.log").read_text()
    assert text.count("Started server process") >= 2, text
    assert "POST /v1/members/lookup" in text  # the access log is on ...
    assert PHONE not in text  # ... and no member's phone number is in it
