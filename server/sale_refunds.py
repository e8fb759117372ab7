"""HQ's check of a partial refund (``sale.refunded``) against its own copy of the sale.

HQ holds the sale's ``sale.completed`` event, with every line's quantity and parts, and the
``sale.refunded`` events of the sale it accepted before. It refunds the event's lines and
quantities again by the same rule (:func:`app.domain.partial_refund.refund_lines`) and
refuses the event unless every line's parts, points and list share, the tenders paid back,
the stored value given back, the points re-credited and taken back and the spend reversed
are what that gives — and nothing beyond what remains of the sale. A refund with
``cash_back`` (another store's sale, by that store's policy) pays the lines' tender parts
other than stored value back as one cash tender of the same total; stored value and points
still go back exactly as the sale took them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from app.domain.cart import POINTS_COLUMN
from app.domain.errors import RuleError, ValidationError
from app.domain.partial_refund import Refund, RefundLine, SoldLine, refund_lines
from app.domain.pricing import STORED_VALUE
from app.domain.sale import SV_BONUS, SV_PRINCIPAL
from server import schemas as s


class SaleRefundRefused(Exception):
    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(code)


def _mismatch(detail: str) -> SaleRefundRefused:
    return SaleRefundRefused("sale_refund_mismatch", detail=detail)


def _wire_lines(sale: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The sale's lines as it sent them; an amount-only walk-in sale (no member, no cart)
    is one implicit line (quantity 1, its parts what each tender paid net of change), so
    its refund is all of it, once (app.services.walk_in_refunds)."""
    cart = sale.get("cart")
    if cart:
        return list(cart["lines"])
    if sale.get("member_id") is not None:
        raise _mismatch("the sale has no lines")
    parts: dict[str, int] = {}
    for t in sale.get("tenders") or ():
        parts[t["method"]] = parts.get(t["method"], 0) + t["amount_fen"] - t["change_fen"]
    return [{"quantity": 1, "list_fen": sale["amount_fen"],
             "parts": {m: f for m, f in parts.items() if f}, "points_used": 0,
             "points_earned": 0}]  # fmt: skip


def sold_of(sale: Mapping[str, Any]) -> tuple[SoldLine, ...]:
    return tuple(
        SoldLine(i, w["quantity"], dict(w["parts"]), w["points_used"], w["points_earned"])
        for i, w in enumerate(_wire_lines(sale))
    )


def _earlier(payloads: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    return [line for p in payloads for line in p.get("lines") or ()]


def _refund(
    sold: tuple[SoldLine, ...], earlier: list[dict[str, Any]], ev: s.SaleRefunded
) -> Refund:
    request: dict[int, int] = {}
    for line in ev.lines:
        if line.line_no in request:
            raise _mismatch(f"line {line.line_no + 1} named twice")
        request[line.line_no] = line.quantity
    before = [
        RefundLine(
            x["line_no"], x["quantity"], dict(x["parts"]), x["points_used"], x["points_earned"]
        )
        for x in earlier
    ]
    try:
        return refund_lines(sold, before, request)
    except RuleError as exc:  # more than remains
        raise SaleRefundRefused("sale_refund_over", **exc.params) from None
    except ValidationError as exc:
        raise _mismatch(exc.code) from None
    except ValueError:
        raise _mismatch("earlier refunds") from None


def check(
    sale: Mapping[str, Any],
    earlier_payloads: list[Mapping[str, Any]],
    ev: s.SaleRefunded,
) -> Refund:
    """Refuse (raise :class:`SaleRefundRefused`) a refund that is not what the sale gives."""
    sold = sold_of(sale)
    earlier = _earlier(earlier_payloads)
    back = _refund(sold, earlier, ev)
    by_line = {x.index: x for x in back.lines}
    wire = _wire_lines(sale)
    for line in ev.lines:
        want = by_line[line.line_no]
        if (dict(line.parts), line.points_used, line.points_earned) != (
            dict(want.parts),
            want.points_used,
            want.points_earned,
        ):
            raise _mismatch(f"line {line.line_no + 1}: what it gives back")
        done = [x for x in earlier if x["line_no"] == line.line_no]
        upto = sum(x["quantity"] for x in done) + line.quantity
        listed = wire[line.line_no]["list_fen"] * upto // wire[line.line_no]["quantity"]
        if line.list_fen != listed - sum(x["list_fen"] for x in done):
            raise _mismatch(f"line {line.line_no + 1}: list amount")
    paid: dict[str, int] = {}
    for key, fen in back.parts.items():
        if key != POINTS_COLUMN and not key.startswith(STORED_VALUE) and fen:
            paid[key] = paid.get(key, 0) - fen
    if ev.cash_back:  # the store's policy for another store's sale: all of it as cash
        total = sum(paid.values())
        paid = {"cash": total} if total else {}
    if any(x.change_fen for x in ev.tenders) or sorted(
        (x.method, x.amount_fen) for x in ev.tenders
    ) != sorted(paid.items()):
        raise _mismatch("money back is not the lines' tender parts")
    if ev.member_id is None:
        if ev.sv_entries or ev.points_entries or ev.points_shortfall or ev.tier_changes:
            raise _mismatch("a walk-in's refund moves no member's figures")
        if ev.cumulative_spend_delta_fen:
            raise _mismatch("a walk-in's refund moves no member's figures")
        return back
    _stored_value(sale, back, ev)
    _points(sale, earlier_payloads, back, ev)
    if ev.cumulative_spend_delta_fen != -back.money_fen:
        raise _mismatch("the spend taken back")
    return back


def _stored_value(sale: Mapping[str, Any], back: Refund, ev: s.SaleRefunded) -> None:
    principal, bonus = back.part(SV_PRINCIPAL), back.part(SV_BONUS)
    if not (principal or bonus):
        if ev.sv_entries:
            raise _mismatch("stored value back for no stored-value part")
        return
    spend = next((e for e in sale.get("sv_entries") or () if e["kind"] == "spend"), None)
    e = ev.sv_entries[0] if len(ev.sv_entries) == 1 else None
    if (
        spend is None
        or e is None
        or (e.kind, e.principal_fen, e.bonus_fen, e.reverses)
        != ("spend_reversal", principal, bonus, spend["entry_id"])
    ):
        raise _mismatch("stored value back")


def _points(
    sale: Mapping[str, Any],
    earlier_payloads: list[Mapping[str, Any]],
    back: Refund,
    ev: s.SaleRefunded,
) -> None:
    entries = {e["entry_id"]: e for e in sale.get("points_entries") or ()}
    given: dict[str, int] = {}
    for p in earlier_payloads:
        for e in p.get("points_entries") or ():
            if e["kind"] == "redeem_reversal":
                given[e["reverses"]] = given.get(e["reverses"], 0) + e["points"]
    restored = clawed = 0
    for e in ev.points_entries:
        o = entries.get(e.reverses or "")
        if o is None:
            raise _mismatch("points entry names no entry of the sale")
        if e.kind == "redeem_reversal":
            given[o["entry_id"]] = given.get(o["entry_id"], 0) + e.points
            if (
                o["kind"] != "redeem"
                or e.lot_id != o["lot_id"]
                or e.points <= 0
                or given[o["entry_id"]] > -o["points"]
            ):
                raise _mismatch("points given back")
            restored += e.points
        elif e.kind == "clawback":
            if o["kind"] != "earn" or e.points >= 0:
                raise _mismatch("points clawed back")
            clawed -= e.points
        else:
            raise _mismatch(f"ledger kind {e.kind}")
    if restored != back.points_used or clawed + ev.points_shortfall != back.points_earned:
        raise _mismatch("points given back or clawed back")
