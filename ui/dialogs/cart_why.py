"""A cart line's "why this price" in words, step by step (docs/pricing.md)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from app.domain.cart import (
    STEP_COUPON,
    STEP_LIST,
    STEP_MEMBER_PRICE,
    STEP_ORDER_DISCOUNT,
    STEP_POINTS,
    STEP_PRICE_CHANGE,
    STEP_ROUND_OFF,
    STEP_TIER_DISCOUNT,
    PricedLine,
    Step,
)
from app.domain.coupons import display_code
from app.domain.money import format_cny


def _zhe(bp_off: int) -> str:
    """1000 basis points off → 9折; 500 → 9.5折 (as Chinese stores say a discount)."""
    return f"{(10000 - bp_off) / 1000:g}"


def _delta(fen: int) -> str:
    return ("−" if fen < 0 else "+") + format_cny(abs(fen))


def step_words(step: Step, tier_name: str = "") -> str:
    d = step.detail
    if step.kind == STEP_LIST:
        return QCoreApplication.translate("cart", "原价 {0} × {1} = {2}").format(
            format_cny(int(d["unit_fen"])), d["quantity"], format_cny(step.after_fen)
        )
    if step.kind == STEP_MEMBER_PRICE:
        return QCoreApplication.translate("cart", "会员价 {0}({1}) {2}").format(
            format_cny(int(d["unit_fen"])), tier_name, _delta(step.delta_fen)
        )
    if step.kind == STEP_TIER_DISCOUNT:
        return QCoreApplication.translate("cart", "{0}折扣 {1} 折 {2}").format(
            tier_name, _zhe(int(d["discount_bp"])), _delta(step.delta_fen)
        )
    if step.kind == STEP_PRICE_CHANGE:
        if "unit_fen" in d:
            how = QCoreApplication.translate("cart", "单价改为 {0}").format(
                format_cny(int(d["unit_fen"]))
            )
        else:
            how = QCoreApplication.translate("cart", "小计改为 {0}").format(
                format_cny(int(d["line_fen"]))
            )
        return QCoreApplication.translate("cart", "改价:{0} {1}").format(
            how, _delta(step.delta_fen)
        )
    if step.kind == STEP_COUPON:
        level = (
            QCoreApplication.translate("cart", "商品券")
            if d.get("level") == "item"
            else QCoreApplication.translate("cart", "整单券")
        )
        return QCoreApplication.translate("cart", "优惠券 {0}({1}){2}").format(
            display_code(str(d["code"])), level, _delta(step.delta_fen)
        )
    if step.kind == STEP_ORDER_DISCOUNT:
        if "percent_bp" in d:
            how = QCoreApplication.translate("cart", "{0} 折").format(_zhe(int(d["percent_bp"])))
        else:
            how = QCoreApplication.translate("cart", "减 {0}").format(
                format_cny(int(d["amount_fen"]))
            )
        return QCoreApplication.translate("cart", "整单折扣({0})分摊 {1}").format(
            how, _delta(step.delta_fen)
        )
    if step.kind == STEP_ROUND_OFF:
        return QCoreApplication.translate("cart", "抹零分摊 {0}").format(_delta(step.delta_fen))
    if step.kind == STEP_POINTS:
        return QCoreApplication.translate("cart", "积分抵现分摊({0} 分){1}").format(
            d.get("points", 0), _delta(step.delta_fen)
        )
    return f"{step.kind} {_delta(step.delta_fen)}"


def why_words(line: PricedLine, name: str, tier_name: str = "") -> str:
    steps = "\n".join(f"{i}. {step_words(s, tier_name)}" for i, s in enumerate(line.why, 1))
    return QCoreApplication.translate("cart", "{0}:为什么是这个价\n{1}\n= {2}").format(
        name, steps, format_cny(line.due_fen)
    )
