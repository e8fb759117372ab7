"""The figures of a set of transactions, as plain data: what X, Z and range reports show.

All amounts are integer fen, all points integers. Money paid back is shown as a
positive amount in its own section (refunds, top-up refunds, cancellations), and
subtracted where a net figure is given.

- **Sales** are checkouts: ``gross`` is the amount before discount, ``net`` what the
  member owed after the tier discount and points used as cash (``due``), paid by the
  tenders in ``sales_by_tender`` (stored value included: spending a balance is a sale,
  the top-up that made it was not).
- **Top-ups** are liability, not sales: they are reported with their bonus and payment
  method, never in the sales figures.
- **Cash** counts only what stays in the drawer: cash handed over minus the change
  given back (the change is never counted as takings), minus cash paid back.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from app.domain.pricing import CASH, STORED_VALUE
from app.persistence import reporting
from app.persistence.tables import Shift
from app.persistence.uow import UnitOfWork

CARD_KINDS = {
    "card_lost": "lost",
    "card_freeze": "frozen",
    "card_unfreeze": "unfrozen",
    "card_replace": "replaced",
    "card_cancel": "cancelled",
}


def _sums(kinds: dict[str, dict[str, int]], kind: str) -> dict[str, int]:
    return kinds.get(kind) or dict.fromkeys(reporting.TXN_SUM_FIELDS, 0)


def count_card_figures(
    kinds: dict[str, dict[str, int]], by_method: dict[str, dict[str, int]]
) -> dict[str, Any]:
    """Count cards (次卡): sales are liability like top-ups (never in the sales figures);
    each visit recognises its value as revenue; refunds pay back what was not used; an
    expiry turns the rest into breakage (revenue too)."""
    sale, visit = _sums(kinds, "countcard_sale"), _sums(kinds, "countcard_visit")
    back, gone = _sums(kinds, "countcard_refund"), _sums(kinds, "countcard_expire")
    return {
        "sold": {
            "count": sale["count"],
            "amount_fen": sale["amount_fen"],
            "by_method": {m: v for m, v in sorted(by_method["countcard_sale"].items()) if v},
        },
        "visits": {"count": visit["count"], "recognised_fen": visit["amount_fen"]},
        "refunds": {
            "count": back["count"],
            "amount_fen": -back["amount_fen"],
            "by_method": {m: -v for m, v in sorted(by_method["countcard_refund"].items()) if v},
        },
        "expired": {"count": gone["count"], "breakage_fen": gone["amount_fen"]},
        "transfers": _sums(kinds, "countcard_transfer")["count"],
    }


def figures(
    uow: UnitOfWork, where: Any, *, shifts: Sequence[Shift] | None = None
) -> dict[str, Any]:
    """Every figure of the transactions ``where`` picks (a ``reporting`` condition).

    Given the ``shifts`` that overlap the period, it also says what money moved in no
    cashier's shift.
    """
    sums = reporting.all_sums(uow, where, shifts=shifts)
    kinds, tenders, sv, points = sums.kinds, sums.tenders, sums.sv, sums.points

    sale, ref = _sums(kinds, "checkout"), _sums(kinds, "refund")
    by_tender: dict[str, int] = defaultdict(int)
    by_method: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    drawer: dict[str, int] = defaultdict(int)
    outside: dict[str, int] = defaultdict(int)
    outside_tenders = 0
    cash_in = cash_out = change = 0
    for kind, method, in_shift, n, amount, chg in tenders:
        net = amount - chg
        if not in_shift:
            outside_tenders += n
            if method != STORED_VALUE:
                outside[method] += net
        by_method[kind][method] += net
        if kind in ("checkout", "refund"):
            by_tender[method] += net
        if method != STORED_VALUE:
            drawer[method] += net
        if method == CASH:
            change += chg
            if amount >= 0:
                cash_in += net
            else:
                cash_out += -amount
    # A refunded checkout gives stored value back through the ledger, not as a tender.
    sv_back = sum(sv.get("spend_reversal", (0, 0)))
    if sv_back:
        by_tender[STORED_VALUE] -= sv_back

    topup, topup_ref = _sums(kinds, "topup"), _sums(kinds, "topup_refund")
    fees, cancel = _sums(kinds, "card_replace"), _sums(kinds, "card_cancel")
    adjust = _sums(kinds, "sv_adjust")
    imported = _sums(kinds, "import")
    cards = {"issued": _sums(kinds, "register")["count"] + imported["count"]}
    cards["issued"] += fees["count"]  # a replacement is a new card
    for kind, name in CARD_KINDS.items():
        cards[name] = _sums(kinds, kind)["count"]

    def _negated(d: dict[str, int]) -> dict[str, int]:
        return {m: -v for m, v in sorted(d.items()) if v}

    data = {
        "transactions": {k: v["count"] for k, v in sorted(kinds.items())},
        "sales": {
            "count": sale["count"],
            "gross_fen": sale["amount_fen"],
            "discount_fen": sale["discount_fen"],
            "points_used": sale["points_used"],
            "points_value_fen": sale["points_value_fen"],
            "net_fen": sale["due_fen"],
        },
        "refunds": {
            "count": ref["count"],
            "gross_fen": -ref["amount_fen"],
            "discount_fen": -ref["discount_fen"],
            "points_used": -ref["points_used"],
            "points_value_fen": -ref["points_value_fen"],
            "net_fen": -ref["due_fen"],
        },
        "net_sales_fen": sale["due_fen"] + ref["due_fen"],
        "discount_fen": sale["discount_fen"] + ref["discount_fen"],
        "points_redeemed": sale["points_used"] + ref["points_used"],
        "points_redeemed_value_fen": sale["points_value_fen"] + ref["points_value_fen"],
        "sales_by_tender": {m: v for m, v in sorted(by_tender.items()) if v},
        "cash_change_fen": change,
        "topups": {
            "count": topup["count"],
            "amount_fen": topup["amount_fen"],
            "bonus_fen": topup["bonus_fen"],
            "by_method": {m: v for m, v in sorted(by_method["topup"].items()) if v},
        },
        "topup_refunds": {
            "count": topup_ref["count"],
            "amount_fen": -topup_ref["amount_fen"],
            "bonus_fen": -topup_ref["bonus_fen"],
            "by_method": _negated(by_method["topup_refund"]),
        },
        "card_fees": {
            "count": fees["count"],
            "amount_fen": fees["amount_fen"],
            "by_method": {m: v for m, v in sorted(by_method["card_replace"].items()) if v},
        },
        "cancellations": {
            "count": cancel["count"],
            "principal_fen": -cancel["amount_fen"],
            "bonus_voided_fen": -cancel["bonus_fen"],
            "by_method": _negated(by_method["card_cancel"]),
        },
        "stored_value_adjustments": {
            "count": adjust["count"],
            "principal_fen": sv.get("adjust", (0, 0))[0],
            "bonus_fen": sv.get("adjust", (0, 0))[1],
        },
        # Reversals of events HQ voided (app.services.voids): they move the ledgers only.
        "hq_voids": {
            "count": _sums(kinds, "hq_void")["count"],
            "principal_fen": sv.get("hq_void", (0, 0))[0],
            "bonus_fen": sv.get("hq_void", (0, 0))[1],
            "points": points.get("hq_void", 0),
        },
        "migration": {
            "members": imported["count"],
            "principal_fen": sv.get("migration", (0, 0))[0],
            "bonus_fen": sv.get("migration", (0, 0))[1],
            "points": points.get("migration", 0),
        },
        "points": {
            "earned": points.get("earn", 0),
            "redeemed": -points.get("redeem", 0),
            "restored": points.get("redeem_reversal", 0),
            "clawed_back": -points.get("clawback", 0),
            "expired": -points.get("expire", 0),
            "adjusted": points.get("adjust_in", 0) + points.get("adjust", 0),
            "adjusted_in": points.get("adjust_in", 0),
            "voided": -points.get("void", 0),
            "migrated": points.get("migration", 0),
        },
        "members": {"new": _sums(kinds, "register")["count"], "imported": imported["count"]},
        "count_cards": count_card_figures(kinds, by_method),
        "cards": cards,
        "drawer_by_method": {m: v for m, v in sorted(drawer.items()) if v},
        "cash": {
            "in_fen": cash_in,
            "out_fen": cash_out,
            "change_fen": change,
            "net_fen": cash_in - cash_out,
        },
        # What the ledgers of these transactions posted (for liability at close).
        "ledger_delta": {
            "principal_fen": sum(p for p, _ in sv.values()),
            "bonus_fen": sum(b for _, b in sv.values()),
            "points": sum(points.values()),
        },
    }
    if shifts is not None:
        data["outside_shifts"] = {
            "tenders": outside_tenders,
            "cash_net_fen": outside.get(CASH, 0),
            "drawer_by_method": {m: v for m, v in sorted(outside.items()) if v},
        }
    return data
