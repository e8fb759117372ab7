"""Counters' secrets at rest: encrypted with a key HQ holds apart from its database; a copy of
the database signs nothing; a secret rotated at HQ reaches the running counter; key rotation;
revoking lists what the device pushed; the migration encrypts an h0003 database's secrets."""

from __future__ import annotations

import json
import shutil
import sqlite3
import stat
import uuid
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from cryptography.fernet import Fernet
from sqlalchemy import select, text

from app.persistence.migrate import MIGRATION_LOCK
from app.services import syncstate
from app.services.members import Registration, register_member
from server import admin
from server import tables as t
from server.cli import main as hq_main
from server.db import _config, make_engine, open_database
from server.device_secrets import KEY_ENV, TOKEN_PREFIX, Keyring, SecretKeyError
from server.errors import HQError
from server.service import HQService
from sync import handover, signing, wire
from sync.client import wire_events
from sync.config import load_config
from tests.hqkit import Counter, Database, HQServer, push_body, signed_post

PHONE = "13900000452"


def _device_row(hq: HQServer, device_id: str) -> Any:
    with hq.engine.connect() as conn:
        return conn.execute(select(t.device).where(t.device.c.device_id == device_id)).one()


def _pushes(hq: HQServer, device_id: str, secret: str, body: bytes) -> int:
    return signed_post(hq.base_url, device_id, secret, wire.PUSH_PATH, body).status_code


@pytest.mark.parametrize("hq_db", ["sqlite"], indirect=True)
def test_a_copy_of_the_database_signs_nothing(hq: HQServer, make_counter, tmp_path: Path) -> None:
    """Whoever copies HQ's SQLite file tries every text it holds as the counter's secret:
    each is refused (401); the counter's real secret, for contrast, is taken."""
    counter = make_counter("S001")
    register_member(
        counter.ctx, counter.cashier, Registration(name="王五", phone=PHONE, consent=True)
    )
    assert counter.sync().pushed > 0
    register_member(
        counter.ctx, counter.cashier, Registration(name="赵六", phone="13900000453", consent=True)
    )
    config = load_config(counter.data_dir)
    assert config is not None

    source = Path(hq.url.removeprefix("sqlite:///"))
    stolen = tmp_path / "stolen"
    stolen.mkdir()
    for suffix in ("", "-wal", "-shm"):
        if source.with_name(source.name + suffix).exists():
            shutil.copy(source.with_name(source.name + suffix), stolen / (source.name + suffix))
    raw = b"".join(p.read_bytes() for p in stolen.iterdir())
    assert config.secret.encode() not in raw

    db = sqlite3.connect(stolen / source.name)
    found: set[str] = set()
    device_ids = set()
    for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'"):
        for row in db.execute(f'SELECT * FROM "{table}"'):
            found.update(v for v in row if isinstance(v, str) and 0 < len(v) <= 512)
        if table == "hq_device":
            device_ids.update(r[0] for r in db.execute("SELECT device_id FROM hq_device"))
    db.close()
    assert device_ids == {config.device_id} and any(v.startswith(TOKEN_PREFIX) for v in found)

    body = push_body(counter)
    refused = {_pushes(hq, config.device_id, guess, body) for guess in sorted(found)}
    assert refused == {401}
    assert _pushes(hq, config.device_id, config.secret, body) == 200


def test_enrollment_and_sync_keep_the_secret_encrypted(hq: HQServer, make_counter) -> None:
    counter = make_counter("S001")
    register_member(
        counter.ctx, counter.cashier, Registration(name="王五", phone=PHONE, consent=True)
    )
    assert counter.sync().pushed > 0
    config = load_config(counter.data_dir)
    assert config is not None
    row = _device_row(hq, config.device_id)
    assert row.secret != config.secret and row.secret.startswith(TOKEN_PREFIX)
    assert hq.keyring.decrypt(row.secret) == config.secret
    with pytest.raises(SecretKeyError):
        Keyring.generate().decrypt(row.secret)
    # A service holding another key checks no counter.
    other = HQService(hq.engine, keyring=Keyring.generate())
    body = b""
    headers = signing.sign_request(config.device_id, config.secret, "GET", "/v1/x", body)
    with pytest.raises(SecretKeyError):
        other.authenticate("GET", "/v1/x", headers, body)


def test_rotated_secret_reaches_the_running_counter(hq: HQServer, make_counter, capsys) -> None:
    """`device rotate-secret`: the counter keeps syncing, takes the new secret from HQ's
    answer (sealed under the old one) and, once it signs with it, the old one is refused."""
    counter = make_counter("S001")
    register_member(
        counter.ctx, counter.cashier, Registration(name="王五", phone=PHONE, consent=True)
    )
    assert counter.sync().pushed > 0
    old = load_config(counter.data_dir)
    assert old is not None

    assert hq_main(["--db", hq.url, "--json", "device", "rotate-secret", old.device_id]) == 0
    out = capsys.readouterr().out
    assert json.loads(out)["handover"] == "pending"
    row = _device_row(hq, old.device_id)
    assert row.next_secret is not None
    new_secret = hq.keyring.decrypt(row.next_secret)
    assert new_secret not in out and new_secret != old.secret
    assert _pushes(hq, old.device_id, old.secret, b'{"events":[]}') == 200  # still valid

    # The sealed header carries the new secret for the old secret's holder only.
    resp = signed_post(hq.base_url, old.device_id, old.secret, wire.PUSH_PATH, b'{"events":[]}')
    sealed = resp.headers[handover.HEADER]
    assert new_secret not in sealed
    assert handover.unseal(old.secret, old.device_id, sealed) == new_secret
    with pytest.raises(handover.HandoverError):
        handover.unseal(signing.new_secret(), old.device_id, sealed)

    register_member(
        counter.ctx, counter.cashier, Registration(name="赵六", phone="13900000453", consent=True)
    )
    assert counter.sync().pushed > 0  # pushed with the old secret, pulled with the new
    now = load_config(counter.data_dir)
    assert now is not None and now.secret == new_secret
    row = _device_row(hq, old.device_id)
    assert row.next_secret is None and hq.keyring.decrypt(row.secret) == new_secret

    assert _pushes(hq, old.device_id, old.secret, b'{"events":[]}') == 401
    resp = signed_post(hq.base_url, old.device_id, new_secret, wire.PUSH_PATH, b'{"events":[]}')
    assert resp.status_code == 200 and handover.HEADER not in resp.headers
    register_member(
        counter.ctx, counter.cashier, Registration(name="钱七", phone="13900000454", consent=True)
    )
    assert counter.sync().pushed > 0


def test_key_rotation_reencrypts_and_the_old_key_can_go(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.delenv(KEY_ENV, raising=False)
    data_dir = tmp_path / "hq"
    base = ["--data-dir", str(data_dir), "--json"]

    def run(*args: str) -> tuple[int, dict[str, Any]]:
        code = hq_main([*base, *args])
        out = capsys.readouterr().out.strip().splitlines()
        return code, json.loads(out[-1]) if out else {}

    assert run("init")[0] == 0
    key_file = data_dir / "hq-secret.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    first = Keyring.from_file(key_file)
    assert len(first.keys) == 1
    code = run("store", "add", "--code", "S001", "--name", "一号店")[1]["code"]

    engine = open_database(f"sqlite:///{data_dir / 'hq.sqlite3'}", first)
    service = HQService(engine, keyring=Keyring.from_file(key_file))
    device_id = str(uuid.uuid4())
    secret = service.enroll(
        wire.EnrollRequest(code=code, device_id=device_id, store_code="S001")
    ).secret

    def stored() -> str:
        with engine.connect() as conn:
            return conn.scalar(select(t.device.c.secret))

    def signs() -> bool:
        headers = signing.sign_request(device_id, secret, "GET", "/v1/changes", b"")
        return service.authenticate("GET", "/v1/changes", headers, b"").device_id == device_id

    before = stored()
    code, data = run("secret-key", "rotate")
    assert code == 0 and data["reencrypted"] == 1 and data["keys"] == 2
    rotated = Keyring.from_file(key_file)
    assert rotated.keys[1:] == first.keys and stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stored() != before
    assert Keyring(rotated.keys[:1]).decrypt(stored()) == secret  # the new key alone opens it
    assert signs()  # the running service re-reads the key file

    assert run("secret-key", "prune")[1]["dropped"] == 1
    assert Keyring.from_file(key_file).keys == rotated.keys[:1]
    with pytest.raises(SecretKeyError):
        Keyring(first.keys).decrypt(stored())  # the old key alone opens nothing now
    assert signs()

    # A key put first but nothing re-encrypted: prune refuses, reencrypt then prune works.
    newest = Fernet.generate_key()
    key_file.write_text(f"{newest.decode()}\n{rotated.keys[0].decode()}\n", encoding="utf-8")
    assert run("secret-key", "prune")[0] == 3
    assert run("secret-key", "reencrypt")[1] == {"reencrypted": 1}
    assert run("secret-key", "prune")[0] == 0
    assert Keyring.from_file(key_file).keys == [newest]
    assert signs()
    engine.dispose()

    # Without its key file HQ refuses to serve (a new key would lock every counter out).
    key_file.unlink()
    assert hq_main([*base, "serve"]) == 2
    assert "encrypted" in capsys.readouterr().err
    assert not key_file.exists()


def _forge_unknown_type(counter: Counter) -> dict[str, Any]:
    [event] = wire_events(syncstate.outbox_batch(counter.ctx, 1))
    event["type"] = "member.teleported"
    client = counter.client()
    try:
        answer = client._signed("POST", wire.PUSH_PATH, {"events": [event]})
    finally:
        client.close()
    syncstate.acknowledge(counter.ctx, answer["acked_seq"])
    return answer["results"][0]


def test_revoke_lists_what_the_device_pushed(hq: HQServer, make_counter, capsys) -> None:
    counter = make_counter("S001")
    member_id = register_member(
        counter.ctx, counter.cashier, Registration(name="王五", phone=PHONE, consent=True)
    ).member_id
    pushed = [i.event_id for i in syncstate.outbox_batch(counter.ctx, 100)]
    assert counter.sync().pushed == len(pushed)
    register_member(
        counter.ctx, counter.cashier, Registration(name="赵六", phone="13900000453", consent=True)
    )
    assert _forge_unknown_type(counter)["status"] == "quarantined"
    config = load_config(counter.data_dir)
    assert config is not None

    assert hq_main(["--db", hq.url, "--json", "device", "revoke", config.device_id]) == 0
    out = capsys.readouterr().out
    data = json.loads(out)
    assert PHONE not in out and "13900000453" not in out
    assert data["revoked"] == config.device_id and data["store_code"] == "S001"
    assert [e["event_id"] for e in data["events"]] == pushed
    assert member_id in {e["member_id"] for e in data["events"]}
    assert {"event_id", "device_seq", "type", "member_id", "pushed_at"} <= set(data["events"][0])
    [held] = data["quarantined"]
    assert held["type"] == "member.teleported" and held["status"] == "held"

    # The table: the same rows; a later --since lists none.
    argv = ["--db", hq.url, "device", "revoke", config.device_id]
    as_json = ["--db", hq.url, "--json", "device", "revoke", config.device_id]
    assert hq_main([*argv, "--since", "2000-01-01T00:00+08:00"]) == 0
    table = capsys.readouterr().out
    assert all(event_id in table for event_id in pushed) and held["event_id"] in table
    assert f"pushed since 1999-12-31T16:00:00: {len(pushed)}" in table
    assert PHONE not in table
    assert hq_main([*as_json, "--since", "2999-01-01T00:00Z"]) == 0
    later = json.loads(capsys.readouterr().out)
    assert later["events"] == [] and later["quarantined"] == []
    assert hq_main([*argv, "--since", "yesterday"]) == 3
    assert _pushes(hq, config.device_id, config.secret, push_body(counter)) == 403


def test_the_migration_encrypts_an_h0003_databases_secrets(hq_db: Database) -> None:
    engine = make_engine(hq_db.url)
    cfg = _config()
    with MIGRATION_LOCK, engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "h0003")
        conn.commit()
    clear = signing.new_secret()
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO hq_device (device_id, store_code, secret, enrolled_at, last_seq) "
                "VALUES ('dev-1', 'S001', :secret, :at, 0)"
            ),
            {"secret": clear, "at": admin.utcnow()},
        )
    engine.dispose()

    with pytest.raises(SecretKeyError):
        open_database(hq_db.url)  # clear secrets and no key: refused, nothing half done
    keyring = Keyring.generate()
    engine = open_database(hq_db.url, keyring)
    with engine.connect() as conn:
        stored = conn.scalar(select(t.device.c.secret).where(t.device.c.device_id == "dev-1"))
        version = conn.scalar(text("SELECT version_num FROM hq_alembic_version"))
    assert stored != clear and stored.startswith(TOKEN_PREFIX)
    assert keyring.decrypt(stored) == clear
    assert version == ScriptDirectory.from_config(cfg).get_current_head()
    with pytest.raises(HQError):
        HQService(engine).keyring  # noqa: B018 - a service without a key checks nothing
    engine.dispose()
