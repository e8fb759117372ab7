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


def _quarantined(answer: dict, event: dict) -> dict:
    [result] = answer["results"]
    assert result["event_id"] == event["event_id"] and result["status"] == "quarantined"
    assert answer["acked_seq"] == event["device_seq"]  # refused, and the chain goes on
    return result


@pytest.mark.parametrize("value", ["南京路\x00一号", "南京路\x1b一号", "南京路\x85一号"])
def test_a_registration_with_control_characters_is_quarantined(
    hq: HQServer, make_counter, value: str
) -> None:
    counter, event = _registration(make_counter)
    before = hq_counts(hq)
    client = counter.client()
    answer = client._signed("POST", "/v1/events", {"events": [_forged(event, address=value)]})
    result = _quarantined(answer, event)
    assert result["code"] == "hq_text_invalid" and "member.address" in result["reason"]
    assert value not in result["reason"]  # never the input itself
    assert hq_counts(hq) == before


def test_a_profile_change_with_control_characters_is_quarantined(
    hq: HQServer, make_counter
) -> None:
    counter, _event = _registration(make_counter)
    counter.sync()
    update_profile(counter.ctx, counter.cashier, PHONE, name="赵小六")
    [event] = wire_events(syncstate.outbox_batch(counter.ctx, 10))
    forged = copy.deepcopy(event)
    forged["payload"]["fields"]["name"]["value"] = "赵\x00六"
    forged["payload_hash"] = payload_hash(forged["payload"])
    before = hq_counts(hq)
    answer = counter.client()._signed("POST", "/v1/events", {"events": [forged]})
    assert "fields.name" in _quarantined(answer, event)["reason"]
    assert hq_counts(hq) == before


def test_a_fault_at_hq_logs_the_event_id_and_error_type_only(
    hq: HQServer, make_counter, caplog: pytest.LogCaptureFixture, monkeypatch
) -> None:
    """A fault no check foresaw (here: the database refusing a row, its text repeating
    the member's data) answers 500 and logs the event's id and the error's type only."""
    from sqlalchemy.exc import IntegrityError

    from server import service

    def broken(*_a: object, **_kw: object) -> bool:
        raise IntegrityError(f"INSERT {PHONE} {EMAIL} 南京路", {}, Exception(PHONE))

    counter, event = _registration(make_counter)
    monkeypatch.setattr(service, "apply_event", broken)
    client = counter.client()
    with caplog.at_level(logging.INFO):
        with pytest.raises(SyncError) as exc:
            client._signed("POST", "/v1/events", {"events": [event]})
        assert exc.value.status == 500
        time.sleep(0.5)  # the server logs a fault after its answer has gone
    logged = "\n".join(
        r.getMessage() + (logging.Formatter().formatException(r.exc_info) if r.exc_info else "")
        for r in caplog.records
    )
    assert event["event_id"] in logged and "IntegrityError" in logged
    assert PHONE not in logged and EMAIL not in logged and "南京路" not in logged
    assert hq_counts(hq)["members"] == 0
