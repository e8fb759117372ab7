"""Partial refunds' messages (中文, English); :mod:`app.domain.messages` holds them."""

from __future__ import annotations

REFUND_MESSAGES: dict[str, tuple[str, str]] = {
    "refund_ledger_not_here": (
        "这笔消费的会员储值或积分记录还没有同步到本机:请先同步(F12)再退款",
        "The member's stored value or points entries of this sale have not reached this "
        "counter yet: sync (F12), then refund",
    ),
    "sale_number_short": (
        "请扫描小票上的单号,或输入单号的后 6 位以上",
        "Scan the receipt's number, or type at least its last 6 characters",
    ),
    "sale_number_unknown": (
        "没有找到单号为 {number} 的销售",
        "No sale numbered {number}",
    ),
    "sale_number_ambiguous": (
        "单号以 {number} 结尾的销售不止一笔:请多输入几位",
        "More than one sale's number ends with {number}: type more of it",
    ),
    "refund_by_lines": (
        "这笔是按商品结账的交易,请选择要退的商品和数量:{txn_id}",
        "This sale is refunded by its lines: choose the lines and quantities ({txn_id})",
    ),
    "refund_amount_only_walk_in": (
        "按金额结账的散客交易没有商品明细,请选择退款原因整单退款:{txn_id}",
        "An amount-only walk-in sale has no lines: it is refunded whole, with a reason ({txn_id})",
    ),
    "txn_not_amount_walk_in": (
        "这笔不是按金额结账的散客交易,不能整单退款:{txn_id}",
        "This is not an amount-only walk-in sale to refund whole: {txn_id}",
    ),
    "sale_fully_refunded": (
        "这笔交易的商品已全部退完,不能再退:{txn_id}",
        "Every line of this sale has been refunded already: {txn_id}",
    ),
    "refund_reason_required": ("请选择退款原因", "Choose a reason for the refund"),
    "refund_reason_unknown": (
        "退款原因“{reason}”不在本店的原因列表中(可选:{reasons})",
        "“{reason}” is not one of the store's refund reasons ({reasons})",
    ),
    "refund_reason_exists": ("退款原因“{reason}”已在列表中", "“{reason}” is already listed"),
    "refund_reason_invalid": (
        "退款原因须为 1–{max} 个字",
        "A refund reason has 1 to {max} characters",
    ),
    "refund_reasons_too_many": (
        "退款原因最多 {max} 个",
        "At most {max} refund reasons",
    ),
    "refund_reasons_last": (
        "至少保留一个退款原因",
        "Keep at least one refund reason",
    ),
    "hq_sale_refund_mismatch": (
        "退货与总部记录的原销售不符:{detail}",
        "The refund does not match the sale HQ holds: {detail}",
    ),
    "hq_sale_refund_over": (
        "第 {line} 行退货数量超过可退数量(最多还能退 {remaining})",
        "Line {line}: more refunded than remains ({remaining})",
    ),
    # The receipt of a partial refund (app.services.sale_receipt).
    "receipt_refund_title": ("商品退货", "Refund of goods"),
    "receipt_refund_original": ("原单号", "Original sale"),
    "receipt_refund_reason": ("退款原因", "Reason"),
    "receipt_refund_quantity": ("退 {quantity} / 共 {sold}", "refunded {quantity} of {sold}"),
    "receipt_refund_left": ("剩余可退 {left}", "{left} left to refund"),
    "receipt_refund_value": ("退回金额", "Value back"),
    "receipt_refund_points_value": ("其中积分抵现", "  of which points"),
    "receipt_refund_money": ("退款合计", "Money back"),
    "receipt_refund_stored_value": ("退回储值", "Back to stored value"),
    "receipt_refund_points_back": ("退回积分", "Points given back"),
    "receipt_refund_points_clawed": ("扣回积分", "Points taken back"),
    "receipt_refund_points_short": ("未能扣回积分", "Points that could not be taken back"),
    "receipt_refund_all_done": ("本单商品已全部退完", "Every line of the sale is refunded"),
}
