"""The messages of cart sales and walk-in sales (app.services.sale), zh and en."""

from __future__ import annotations

SALE_MESSAGES: dict[str, tuple[str, str]] = {
    "sale_walk_in_stored_value": (
        "散客不能使用储值支付,请用现金、微信、支付宝或银行卡",
        "A walk-in customer cannot pay with stored value: cash, WeChat, Alipay or bank card",
    ),
    "sale_over_limit_line_change": (
        "第 {line} 行改价优惠 {asked},超出权限({allowed}),需要店长授权",
        "Line {line}'s price change takes off {asked}, beyond your {allowed}: "
        "a manager must approve",
    ),
    "sale_over_limit_order_discount": (
        "整单折扣 {asked} 超出权限({allowed}),需要店长授权",
        "An order discount of {asked} is beyond your {allowed}: a manager must approve",
    ),
    "sale_over_limit_rounding": (
        "抹零 {asked:money} 超出权限,需要店长授权",
        "Rounding off {asked:money} is beyond your limit: a manager must approve",
    ),
    # A cart sale's receipt (app.services.sale_receipt)
    "receipt_sale_member_price": ("会员价 {unit:money}", "Member price {unit:money}"),
    "receipt_sale_tier_discount": ("等级折扣", "Tier discount"),
    "receipt_sale_price_change": ("改价", "Price change"),
    "receipt_sale_order_discount": ("整单折扣", "Order discount"),
    "receipt_sale_coupon": ("优惠券", "Coupons"),
    "receipt_sale_percent": ("({percent}%)", " ({percent}%)"),
    "receipt_sale_round_off": ("抹零", "Round-off"),
    "receipt_sale_rounding_none": ("", ""),
    "receipt_sale_rounding_jiao": ("(到角)", " (to the jiao)"),
    "receipt_sale_rounding_yuan": ("(到元)", " (to the yuan)"),
    "receipt_sale_points": ("积分抵现", "Points"),
    "receipt_sale_points_used": ("积分抵现({points}分)", "Points ({points})"),
    "receipt_sale_line_paid": ("实付", "Paid"),
    "receipt_sale_list_total": ("商品原价合计", "List price total"),
    "receipt_sale_member_total": ("会员优惠", "Member prices"),
    "receipt_sale_walk_in": ("散客", "Walk-in customer"),
    "receipt_sale_customer": ("顾客", "Customer"),
    "receipt_sale_code": ("退货请出示此码", "Show this code to return goods"),
    # HQ's reasons for refusing a sale (server.validate)
    "hq_sale_walk_in_invalid": ("散客销售不能有{detail}", "A walk-in sale cannot carry {detail}"),
    "hq_sale_approval_missing": (
        "改价、整单折扣或抹零超出收银员权限,且没有店长授权",
        "A price change, order discount or round-off beyond the cashier's limits has no "
        "manager's approval",
    ),
    "hq_sale_item_unknown": ("总部商品目录中没有商品 {item}", "HQ's catalogue has no item {item}"),
    "hq_sale_price_not_hqs": (
        "{item} 的价格不是总部定过的价格",
        "The price of {item} is not one HQ has set",
    ),
    "sale_approver_limit": (
        "授权人 {staff_no} 的权限也不足以给出这些优惠",
        "Approver {staff_no} may not give these discounts either",
    ),
}
