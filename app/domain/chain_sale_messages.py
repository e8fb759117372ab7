"""Messages of refunds of another store's or counter's sale (中文, English);
:mod:`app.domain.messages` holds them."""

from __future__ import annotations

CHAIN_SALE_MESSAGES: dict[str, tuple[str, str]] = {
    "chain_sale_offline": (
        "该单据是其他门店/收银台的销售,需连接总部才能退货",
        "This sale was made at another store or counter: a refund here needs HQ to be reachable",
    ),
    "chain_sale_member_unavailable": (
        "总部暂未提供这笔销售的会员资料,请稍后再试",
        "HQ did not give this sale's member yet: try again later",
    ),
    "sale_refunds_disagree": (
        "本机记录的退货与总部记录的不一致,暂不能退货:{txn_id}",
        "This counter's refunds of the sale differ from HQ's: no refund now ({txn_id})",
    ),
    "foreign_refund_policy_invalid": (
        "外店销售退款方式须为 {allowed} 之一(收到“{value}”)",
        "The refund policy for other stores' sales is one of {allowed} (not “{value}”)",
    ),
    "foreign_refund_policy_original": ("按原支付方式退回", "by the original tenders"),
    "foreign_refund_policy_cash": (
        "以现金退回(储值仍退回会员账户)",
        "as cash (stored value still back to the member)",
    ),
}
