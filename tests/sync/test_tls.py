"""TLS: HQ's certificate is verified by default; a private CA can be named at enrollment."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from launcher import main as counter_main
from server.db import sqlite_url
from sync import enrollment
from sync.client import SyncError
from sync.config import load_config
from tests.hqkit import Counter, HQServer


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


@pytest.fixture
def tls_files(tmp_path: Path) -> dict[str, Path]:
    if shutil.which("openssl") is None:
        pytest.fail("the TLS tests need the openssl command")
    d = tmp_path / "pki"
    d.mkdir()
    ec = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes")
    _openssl(
        "req",
        "-x509",
        *ec,
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=Member Counter Test CA",
        cwd=d,
    )
    _openssl("req", *ec, "-keyout", "hq.key", "-out", "hq.csr", "-subj", "/CN=127.0.0.1", cwd=d)
    (d / "ext.cnf").write_text("subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n")
    _openssl(
        "x509",
        "-req",
        "-in",
        "hq.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "hq.pem",
        "-days",
        "2",
        "-extfile",
        "ext.cnf",
        cwd=d,
    )
    return {"ca": d / "ca.pem", "cert": d / "hq.pem", "key": d / "hq.key"}


@pytest.fixture
def tls_hq(tmp_path: Path, tls_files: dict[str, Path]) -> Iterator[HQServer]:
    (tmp_path / "hq").mkdir()
    server = HQServer(
        sqlite_url(tmp_path / "hq"), tls=(str(tls_files["cert"]), str(tls_files["key"]))
    )
    server.start()
    yield server
    server.close()


def test_private_ca_is_needed_and_enough(tls_hq: HQServer, tls_files, tmp_path: Path) -> None:
    counter = Counter(tmp_path, "S001")
    try:
        code = tls_hq.new_store("S001")
        with pytest.raises(SyncError) as exc:  # verification is on: an unknown CA is refused
            enrollment.enroll(counter.ctx, counter.data_dir, tls_hq.base_url, code)
        assert exc.value.code == "tls"
        assert load_config(counter.data_dir) is None

        config = enrollment.enroll(
            counter.ctx, counter.data_dir, tls_hq.base_url, code, ca_bundle=str(tls_files["ca"])
        )
        assert config.verify == str(tls_files["ca"])
        report = counter.sync()
        assert report.pushed > 0
    finally:
        counter.close()


def test_cli_enroll_with_ca(tls_hq: HQServer, tls_files, tmp_path: Path, capsys) -> None:
    counter = Counter(tmp_path, "S002")
    counter.close()
    argv = [
        "--data-dir",
        str(counter.data_dir),
        "--staff",
        "m01",
        "--pin",
        "5826",
        "sync",
        "enroll",
        "--server",
        tls_hq.base_url,
        "--code",
        tls_hq.new_store("S002"),
    ]
    assert counter_main(argv) == 3
    assert "TLS" in capsys.readouterr().err
    assert counter_main([*argv[:-1], tls_hq.new_store("S002"), "--ca", str(tls_files["ca"])]) == 0
