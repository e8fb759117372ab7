"""Every push must be signed by an enrolled, unrevoked device, fresh and first seen."""

from __future__ import annotations

import time

from app.services.members import Registration, register_member
from app.services.stored_value import top_up
from server import admin
from sync import wire
from sync.config import load_config
from tests.hqkit import HQServer, hq_counts, push_body, signed_post


def _counter_with_events(make_counter):
    counter = make_counter("S001")
    register_member(
        counter.ctx, counter.cashier, Registration(name="王五", phone="13900000009", consent=True)
    )
    top_up(counter.ctx, counter.cashier, "13900000009", 10_000, "cash")
    config = load_config(counter.data_dir)
    assert config is not None
    return counter, config


def refused(resp, status: int, code: str) -> None:
    assert resp.status_code == status, resp.text
    assert resp.json()["code"] == code


def test_security_refusals_apply_nothing(hq: HQServer, make_counter) -> None:
    counter, config = _counter_with_events(make_counter)
    body = push_body(counter)
    before = hq_counts(hq)
    post = lambda **kw: signed_post(  # noqa: E731
        hq.base_url,
        kw.pop("device", config.device_id),
        kw.pop("secret", config.secret),
        wire.PUSH_PATH,
        body,
        **kw,
    )

    refused(post(now=time.time() - 301), 401, "stale_timestamp")
    refused(post(now=time.time() + 301), 401, "stale_timestamp")
    refused(post(send_body=body.replace(b"10000", b"99999")), 401, "bad_signature")
    refused(post(secret="0" * 64), 401, "bad_signature")
    refused(post(device="0190a1b2-0000-7000-8000-000000000000"), 401, "unknown_device")
    assert hq_counts(hq) == before

    # A request is accepted once; the same nonce again is a replay.
    first = post(nonce="n0nce0000001")
    assert first.status_code == 200, first.text
    applied = hq_counts(hq)
    assert applied["events"] > before["events"]
    refused(post(nonce="n0nce0000001"), 401, "nonce_reused")
    assert hq_counts(hq) == applied

    admin.revoke_device(hq.engine, config.device_id)
    top_up(counter.ctx, counter.cashier, "13900000009", 10_000, "cash")
    refused(post(), 403, "device_revoked")
    assert hq_counts(hq) == applied


def test_unsigned_and_enrollment_refusals(hq: HQServer, make_counter) -> None:
    import requests

    resp = requests.post(hq.base_url + wire.PUSH_PATH, json={"events": []}, timeout=10)
    refused(resp, 401, "unsigned")
    req = {
        "code": "AAAA-BBBB-CCCC",
        "device_id": "0190a1b2-0000-7000-8000-000000000001",
        "store_code": "S001",
    }
    refused(
        requests.post(hq.base_url + wire.ENROLL_PATH, json=req, timeout=10),
        403,
        "enrollment_invalid",
    )
    code = hq.new_store("S009")
    refused(
        requests.post(hq.base_url + wire.ENROLL_PATH, json={**req, "code": code}, timeout=10),
        403,
        "store_mismatch",
    )
    expired = admin.new_enrollment_code(hq.engine, "S009", ttl_hours=-1)["code"]
    refused(
        requests.post(
            hq.base_url + wire.ENROLL_PATH,
            json={**req, "code": expired, "store_code": "S009"},
            timeout=10,
        ),
        403,
        "enrollment_invalid",
    )
    ok = requests.post(
        hq.base_url + wire.ENROLL_PATH,
        json={**req, "code": code, "store_code": "S009"},
        timeout=10,
    )
    assert ok.status_code == 200 and len(ok.json()["secret"]) == 64
    # One-time: the same code cannot enroll a second counter.
    again = {
        **req,
        "code": code,
        "store_code": "S009",
        "device_id": "0190a1b2-0000-7000-8000-000000000002",
    }
    refused(
        requests.post(hq.base_url + wire.ENROLL_PATH, json=again, timeout=10),
        403,
        "enrollment_invalid",
    )


def test_health_and_openapi(hq: HQServer) -> None:
    import requests

    health = requests.get(hq.base_url + wire.HEALTH_PATH, timeout=10).json()
    assert health["status"] == "ok"
    paths = requests.get(hq.base_url + "/openapi.json", timeout=10).json()["paths"]
    assert {
        wire.ENROLL_PATH,
        wire.PUSH_PATH,
        wire.PULL_PATH,
        wire.LOOKUP_PATH,
        wire.HEALTH_PATH,
    } <= set(paths)


def test_a_counter_clock_off_by_more_than_five_minutes_is_refused(
    hq: HQServer, make_counter
) -> None:
    from app.services import syncstate
    from sync.client import SyncError
    from sync.engine import sync_once

    counter, _config = _counter_with_events(make_counter)
    before = hq_counts(hq)
    client = counter.client(clock=lambda: time.time() + 6 * 60)
    try:
        try:
            sync_once(counter.ctx, client)
        except SyncError as exc:
            assert exc.code == "stale_timestamp"
        else:
            raise AssertionError("a clock 6 minutes ahead was accepted")
    finally:
        client.close()
    assert hq_counts(hq) == before
    status = syncstate.status(counter.ctx)
    assert status.pending > 0 and "clock" in (status.last_error or "")
    counter.sync()  # the clock right again: accepted
    assert syncstate.status(counter.ctx).pending == 0
