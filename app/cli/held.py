"""The held carts' commands (``hold add|list|discard``) and their text."""

from __future__ import annotations

import argparse
from typing import Any

from app.cli import render
from app.cli.parser import UsageError
from app.domain.held import CartDraft, DraftLine
from app.domain.messages import current_language
from app.services import catalogue, held
from app.services.context import CounterContext
from app.services.lookup import resolve_member
from app.services.security import Actor

Result = dict[str, Any]


def _line(ctx: CounterContext, actor: Actor, spec: str) -> DraftLine:
    code, sep, qty = spec.partition("=")
    code = code.strip()
    if not code:
        raise UsageError(f"--item takes CODE=QTY, not {spec!r}")
    try:
        quantity = int(qty) if sep else 1
    except ValueError:
        raise UsageError(f"--item takes CODE=QTY with a whole quantity, not {spec!r}") from None
    item = catalogue.find_by_code(ctx, actor, code) or catalogue.find_by_barcode(ctx, actor, code)
    return DraftLine(item.item.code if item is not None else code, quantity)


def _view(v: held.HeldView) -> Result:
    return {
        "number": v.number,
        "held_at": v.held_at.isoformat(timespec="seconds"),
        "held_by": v.held_by,
        "member_id": v.member_id,
        "member_name": v.member_name,
        "lines": v.line_count,
        "total": render.yuan(v.total_fen),
        "note": v.note,
        "state": v.state,
    }


def hold_add(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    member_id = None
    if args.member:
        with ctx.reader() as uow:
            member_id = resolve_member(ctx, uow, args.member).id
    lines = tuple(_line(ctx, actor, spec) for spec in args.item)
    view = held.hold(ctx, actor, CartDraft(lines=lines, member_id=member_id), note=args.note)
    return {"event": "held", **_view(view)}


def hold_list(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    return {"held": [_view(v) for v in held.open_held(ctx, actor)]}


def hold_discard(ctx: CounterContext, actor: Actor, args: argparse.Namespace) -> Result:
    return {"event": "discarded", **_view(held.discard(ctx, actor, args.number, args.reason))}


HANDLERS = {
    ("hold", "add"): hold_add,
    ("hold", "list"): hold_list,
    ("hold", "discard"): hold_discard,
}

_L = {
    "zh": {"held": "已挂单", "discarded": "已作废挂单", "none": "没有挂单", "walk_in": "散客",
           "lines": "{n} 行", "list": "挂单 {n} 张"},
    "en": {"held": "Cart held", "discarded": "Held cart discarded", "none": "No held carts",
           "walk_in": "walk-in", "lines": "{n} line(s)", "list": "{n} held cart(s)"},
}  # fmt: skip


def _t(key: str) -> str:
    return _L[current_language()][key]


def _row(d: Result) -> str:
    who = d["member_name"] or _t("walk_in")
    note = f"  {d['note']}" if d["note"] else ""
    return (f"#{d['number']}  {d['held_at'][11:16]}  {who}  {_t('lines').format(n=d['lines'])}"
            f"  {render._cny(d['total'])}  {d['held_by']}{note}")  # fmt: skip


def event_lines(d: Result) -> list[str]:
    return [f"{_t(d['event'])}: {_row(d)}"]


def list_lines(d: Result) -> list[str]:
    if not d["held"]:
        return [_t("none")]
    return [_t("list").format(n=len(d["held"]))] + [f"  {_row(v)}" for v in d["held"]]


TEXT_RENDERERS = {
    ("hold", "add"): event_lines,
    ("hold", "discard"): event_lines,
    ("hold", "list"): list_lines,
}
