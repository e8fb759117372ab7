"""The held carts' messages (中文, English); :mod:`app.domain.messages` holds them."""

from __future__ import annotations

HELD_MESSAGES: dict[str, tuple[str, str]] = {
    "held_cart_empty": ("购物车是空的,没有可挂的单", "The cart is empty: nothing to hold"),
    "held_cart_too_long": (
        "一张挂单最多 {limit} 行",
        "A held cart has at most {limit} lines",
    ),
    "held_cart_invalid": (
        "挂单内容不正确({field})",
        "The held cart is not valid ({field})",
    ),
    "held_cart_not_found": ("没有找到挂单 {number}", "No held cart {number}"),
    "held_cart_recalled": (
        "挂单 {number} 已被取出,正在结账",
        "Held cart {number} has been recalled and is being paid",
    ),
    "held_cart_closed": (
        "挂单 {number} 已{state},不能再取单",
        "Held cart {number} is {state} and cannot be recalled",
    ),
    "held_cart_not_recalled": (
        "挂单 {number} 没有被取出",
        "Held cart {number} has not been recalled",
    ),
    "held_carts_open": (
        "营业日 {date} 还有 {count} 张挂单未处理({numbers}):请先取单结账或作废",
        "Business date {date} has {count} held carts open ({numbers}): recall and pay "
        "or discard them first",
    ),
    "held_state_sold": ("结账", "paid"),
    "held_state_discarded": ("作废", "discarded"),
    "held_discard_reason": (
        "作废挂单须写明原因(1-40 个字)",
        "Discarding a held cart needs a reason (1-40 characters)",
    ),
}
