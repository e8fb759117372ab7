"""Push semantics: each event applied once, gaps refused, a changed payload refused."""

from __future__ import annotations

import copy
import threading

import pytest

from app.services import syncstate
from app.services.checkout import checkout
from app.services.members import Registration, register_member
from app.services.stored_value import top_up
from server import admin
from sync.client import SyncError
from tests.hqkit import HQServer, hq_counts

PHONE = "13900000021"


def busy_counter(make_counter):
    counter = make_counter("S001")
    register_member(
        counter.ctx, counter.cashier, Registration(name="赵六", phone=PHONE, consent=True)
    )
    for amount in (10_000, 20_000, 30_000):
        top_up(counter.ctx, counter.cashier, PHONE, amount, "cash")
    checkout(counter.ctx, counter.cashier, PHONE, 5_000)
    return counter


def test_same_batch_twice_is_applied_once(hq: HQServer, make_counter) -> None:
    counter = busy_counter(make_counter)
    items = syncstate.outbox_batch(counter.ctx, 100)
    client = counter.client()
    first = client.push(items)
    assert first.acked_seq == items[-1].device_seq
    assert {r.status for r in first.results} == {"applied"}
    after_first = hq_counts(hq)
    second = client.push(items)
    assert second.acked_seq == first.acked_seq
    assert {r.status for r in second.results} == {"duplicate"}
    assert hq_counts(hq) == after_first
    balances = admin.member_balances(hq.engine)
    assert sorted(balances.values()) == [(55_000, 0, 50)]


def test_same_id_with_another_payload_is_refused(hq: HQServer, make_counter) -> None:
    counter = busy_counter(make_counter)
    items = syncstate.outbox_batch(counter.ctx, 100)
    client = counter.client()
    client.push(items)
    before = hq_counts(hq)
    events = client_events = __import__("sync.client", fromlist=["wire_events"]).wire_events(items)
    forged = copy.deepcopy(events[-1])
    forged["payload"]["amount_fen"] = 1
    from app.domain.audit import payload_hash

    forged["payload_hash"] = payload_hash(forged["payload"])
    with pytest.raises(SyncError) as exc:
        client._signed("POST", "/v1/events", {"events": [forged]})
    assert exc.value.status == 409 and exc.value.code == "event_conflict"
    assert hq_counts(hq) == before
    assert client_events is events


def test_gaps_are_refused_and_reordered_batches_converge(hq: HQServer, make_counter) -> None:
    counter = busy_counter(make_counter)
    items = syncstate.outbox_batch(counter.ctx, 100)
    head, tail = items[:3], items[3:]
    client = counter.client()
    early = client.push(tail)  # the later batch arrives first
    assert early.acked_seq == 0
    assert early.results[0].status == "gap"
    assert hq_counts(hq)["events"] == 0
    assert client.push(head).acked_seq == head[-1].device_seq
    assert client.push(tail).acked_seq == tail[-1].device_seq
    assert hq_counts(hq)["events"] == len(items)
    assert sorted(admin.member_balances(hq.engine).values()) == [(55_000, 0, 50)]


def test_concurrent_pushes_of_one_batch_apply_it_once(hq: HQServer, make_counter) -> None:
    """Two servers on one database (as several HQ processes would run), one batch each."""
    counter = busy_counter(make_counter)
    items = syncstate.outbox_batch(counter.ctx, 100)
    second = HQServer(hq.url)
    second.start()
    urls = iter([hq.base_url, second.base_url])
    barrier = threading.Barrier(2)
    results: list = []
    errors: list = []

    def push() -> None:
        client = counter.client()
        client.base = next(urls)
        barrier.wait()
        try:
            results.append(client.push(items))
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            client.close()

    threads = [threading.Thread(target=push) for _ in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(30)
    second.close()
    assert not errors
    statuses = sorted(r.status for res in results for r in res.results)
    assert statuses.count("applied") == len(items)
    assert statuses.count("duplicate") == len(items)
    counts = hq_counts(hq)
    assert counts["events"] == len(items)
    assert sorted(admin.member_balances(hq.engine).values()) == [(55_000, 0, 50)]


def test_a_payload_hq_cannot_read_is_quarantined_and_the_rest_applies(
    hq: HQServer, make_counter
) -> None:
    from app.domain.audit import payload_hash
    from server.quarantine import list_quarantine
    from sync.client import wire_events

    counter = busy_counter(make_counter)
    events = wire_events(syncstate.outbox_batch(counter.ctx, 100))
    bad = copy.deepcopy(events[-1])
    del bad["payload"]["sv_entries"][0]["principal_fen"]
    bad["payload_hash"] = payload_hash(bad["payload"])
    client = counter.client()
    answer = client._signed("POST", "/v1/events", {"events": [*events[:-1], bad]})
    results = answer["results"]
    assert [r["status"] for r in results] == ["applied"] * (len(events) - 1) + ["quarantined"]
    assert results[-1]["code"] == "hq_schema" and "sv_entries" in results[-1]["reason"]
    assert answer["acked_seq"] == bad["device_seq"]  # the chain goes on
    assert hq_counts(hq)["events"] == len(events) - 1
    held = list_quarantine(hq.engine)
    assert [q["event_id"] for q in held] == [bad["event_id"]]


def test_pull_json_is_the_pull_response(hq: HQServer, make_counter) -> None:
    """The pull endpoint sends stored change bodies as they are; it must say what pull says."""
    import json

    from sync import wire

    a, b = make_counter("S001"), busy_counter(make_counter)
    b.sync()
    from server import tables as t

    with hq.engine.connect() as conn:  # the device row the routes hand the service
        dev = conn.execute(
            t.device.select().where(t.device.c.device_id == a.client().config.device_id)
        ).one()
    for since, limit in ((0, 500), (0, 2), (3, 2)):
        raw = json.loads(hq.service.pull_json(dev, since, limit)[0])
        model = hq.service.pull(dev, since, limit)
        assert wire.PullResponse.model_validate(raw) == model
    assert model.changes and model.changes[0].body["type"]
