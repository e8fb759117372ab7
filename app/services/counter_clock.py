"""The counter's hybrid logical clock (app.domain.hlc), kept in its sync state: a stamp for
each last-writer-wins write made here, and the clock moved past every stamp learnt from
another counter, so the next write here is later than anything seen."""

from __future__ import annotations

from collections.abc import Iterable

from app.domain.hlc import ZERO, Stamp, receive, tick
from app.persistence import syncstore
from app.persistence.uow import UnitOfWork
from app.services.context import CounterContext


def _now_ms(ctx: CounterContext) -> int:
    return int(ctx.clock.now().timestamp() * 1000)


def next_stamp(ctx: CounterContext, uow: UnitOfWork) -> str:
    """A new stamp for a write in ``uow``'s transaction (the clock row is locked till then)."""
    state = syncstore.state_for_update(uow)
    last = Stamp.parse(state.hlc) if state.hlc else ZERO
    stamp = tick(last, _now_ms(ctx), syncstore.node_of(uow)).text()
    state.hlc = stamp
    return stamp


def learn(ctx: CounterContext, uow: UnitOfWork, stamps: Iterable[str]) -> None:
    """Move the counter's clock past each of ``stamps`` (another counter's writes)."""
    stamps = list(stamps)
    if not stamps:
        return
    state = syncstore.state_for_update(uow)
    last = Stamp.parse(state.hlc) if state.hlc else ZERO
    now_ms, node = _now_ms(ctx), syncstore.node_of(uow)
    for stamp in stamps:
        last = receive(last, Stamp.parse(stamp), now_ms, node)
    state.hlc = last.text()
