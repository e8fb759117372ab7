"""HQ's edge: text it cannot store is refused; a fault it did not foresee never logs a
member's personal data (SQLite and PostgreSQL)."""

from __future__ import annotations

import copy
import logging
import time

import pytest

from app.domain.audit import payload_hash
from app.services import syncstate
from app.services.members import Registration, register_member
from app.services.profile import update_profile
from sync.client import SyncError, wire_events
from tests.hqkit import HQServer, hq_counts

PHONE = "13900000077"
EMAIL = "zhao.liu@example.cn"


def _registration(make_counter) -> tuple[object, dict]:
    counter = make_counter("S001")
    counter.sync()  # the store's own events first
    register_member(
        counter.ctx,
        counter.cashier,
        Registration(name="赵六", phone=PHONE, consent=True, email=EMAIL, address="南京路 1 号"),
    )
    [event] = wire_events(syncstate.outbox_batch(counter.ctx, 10))
    return counter, event


def _forged(event: dict, **member: object) -> dict:
    forged = copy.deepcopy(event)
    forged["payload"]["member"].update(member)
    forged["payload_hash"] = payload_hash(forged["payload"])
    return forged


@pytest.mark.parametrize("value", ["南京路\x00一号", "南京路\x1b一号", "南京路\x85一号"])
def test_a_registration_with_control_characters_is_refused(
    hq: HQServer, make_counter, value: str
) -> None:
    counter, event = _registration(make_counter)
    before = hq_counts(hq)
    client = counter.client()
    with pytest.raises(SyncError) as exc:
        client._signed("POST", "/v1/events", {"events": [_forged(event, address=value)]})
    assert exc.value.status == 422 and exc.value.code == "event_invalid"
    assert "member.address" in str(exc.value)
    assert hq_counts(hq) == before


def test_a_profile_change_with_control_characters_is_refused(hq: HQServer, make_counter) -> None:
    counter, _event = _registration(make_counter)
    counter.sync()
    update_profile(counter.ctx, counter.cashier, PHONE, name="赵小六")
    [event] = wire_events(syncstate.outbox_batch(counter.ctx, 10))
    forged = copy.deepcopy(event)
    forged["payload"]["fields"]["name"]["value"] = "赵\x00六"
    forged["payload_hash"] = payload_hash(forged["payload"])
    before = hq_counts(hq)
    with pytest.raises(SyncError) as exc:
        counter.client()._signed("POST", "/v1/events", {"events": [forged]})
    assert exc.value.status == 422 and "fields.name" in str(exc.value)
    assert hq_counts(hq) == before


def test_a_fault_at_hq_logs_the_event_id_and_error_type_only(
    hq: HQServer, make_counter, caplog: pytest.LogCaptureFixture
) -> None:
    counter, event = _registration(make_counter)
    forged = _forged(event, name=None)  # the database refuses it (NOT NULL)
    client = counter.client()
    with caplog.at_level(logging.INFO):
        with pytest.raises(SyncError) as exc:
            client._signed("POST", "/v1/events", {"events": [forged]})
        assert exc.value.status == 500
        time.sleep(0.5)  # the server logs a fault after its answer has gone
    logged = "\n".join(
        r.getMessage() + (logging.Formatter().formatException(r.exc_info) if r.exc_info else "")
        for r in caplog.records
    )
    assert event["event_id"] in logged and "IntegrityError" in logged
    assert PHONE not in logged and EMAIL not in logged and "南京路" not in logged
    assert hq_counts(hq)["members"] == 0
