"""What the audit viewer calls each recorded action and entity, in the UI's language; the
stored code stays the cell's tooltip (and what the filter boxes take)."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

ACTIONS: dict[str, str] = {
    "backup.create": QT_TRANSLATE_NOOP("audit", "备份数据"),
    "backup.restore": QT_TRANSLATE_NOOP("audit", "恢复备份"),
    "card.cancel": QT_TRANSLATE_NOOP("audit", "注销会员"),
    "card.freeze": QT_TRANSLATE_NOOP("audit", "冻结卡"),
    "card.unfreeze": QT_TRANSLATE_NOOP("audit", "解冻卡"),
    "card.lost": QT_TRANSLATE_NOOP("audit", "挂失"),
    "card.replace": QT_TRANSLATE_NOOP("audit", "补卡"),
    "checkout": QT_TRANSLATE_NOOP("audit", "收银结账"),
    "checkout.refund": QT_TRANSLATE_NOOP("audit", "消费退款"),
    "sale.refund": QT_TRANSLATE_NOOP("audit", "商品退货"),
    "clock.behind": QT_TRANSLATE_NOOP("audit", "时钟回拨"),
    "day.close": QT_TRANSLATE_NOOP("audit", "日结"),
    "event.voided_at_hq": QT_TRANSLATE_NOOP("audit", "总部作废,本机冲回"),
    "event.corrected_at_hq": QT_TRANSLATE_NOOP("audit", "总部更正,本机按总部记账"),
    "history.carried": QT_TRANSLATE_NOOP("audit", "结转 18 个月前的记录(总部保留)"),
    "member.export": QT_TRANSLATE_NOOP("audit", "导出会员"),
    "member.import": QT_TRANSLATE_NOOP("audit", "导入会员"),
    "member.import_batch": QT_TRANSLATE_NOOP("audit", "批量导入"),
    "member.register": QT_TRANSLATE_NOOP("audit", "登记会员"),
    "member.set_password": QT_TRANSLATE_NOOP("audit", "设置支付密码"),
    "member.reset_password": QT_TRANSLATE_NOOP("audit", "重置支付密码"),
    "member.update_profile": QT_TRANSLATE_NOOP("audit", "修改资料"),
    "member.view_phone": QT_TRANSLATE_NOOP("audit", "查看完整手机号"),
    "member.phone_viewed": QT_TRANSLATE_NOOP("audit", "查看其他门店会员的完整手机号(总部)"),
    "points.adjust": QT_TRANSLATE_NOOP("audit", "调整积分"),
    "printer.test_page": QT_TRANSLATE_NOOP("audit", "打印测试页(看纸后的结果)"),
    "points.expire": QT_TRANSLATE_NOOP("audit", "积分过期"),
    "rules.update": QT_TRANSLATE_NOOP("audit", "修改会员规则"),
    "item.add": QT_TRANSLATE_NOOP("audit", "新增商品"),
    "item.update": QT_TRANSLATE_NOOP("audit", "修改商品"),
    "item.deactivate": QT_TRANSLATE_NOOP("audit", "停售商品"),
    "item.import": QT_TRANSLATE_NOOP("audit", "导入商品"),
    "cart.hold": QT_TRANSLATE_NOOP("audit", "挂单"),
    "cart.recall": QT_TRANSLATE_NOOP("audit", "取单"),
    "cart.put_back": QT_TRANSLATE_NOOP("audit", "取单未结账,放回挂单"),
    "cart.discard": QT_TRANSLATE_NOOP("audit", "作废挂单"),
    "cart.sold": QT_TRANSLATE_NOOP("audit", "挂单已结账"),
    "countcard.product_saved": QT_TRANSLATE_NOOP("audit", "保存次卡产品"),
    "countcard.sell": QT_TRANSLATE_NOOP("audit", "售出次卡"),
    "countcard.use": QT_TRANSLATE_NOOP("audit", "次卡消费"),
    "countcard.refund": QT_TRANSLATE_NOOP("audit", "次卡退款"),
    "countcard.transfer": QT_TRANSLATE_NOOP("audit", "次卡转让"),
    "coupon.template_add": QT_TRANSLATE_NOOP("audit", "新建优惠券模板"),
    "coupon.issue": QT_TRANSLATE_NOOP("audit", "发放优惠券"),
    "tag.save": QT_TRANSLATE_NOOP("audit", "保存会员标签"),
    "member.tag_set": QT_TRANSLATE_NOOP("audit", "设置会员标签"),
    "ticket.open": QT_TRANSLATE_NOOP("audit", "开服务工单"),
    "ticket.update": QT_TRANSLATE_NOOP("audit", "处理服务工单"),
    "consent.grant": QT_TRANSLATE_NOOP("audit", "记录营销/提醒同意"),
    "consent.withdraw": QT_TRANSLATE_NOOP("audit", "撤回营销/提醒同意"),
    "consent.export": QT_TRANSLATE_NOOP("audit", "导出同意记录"),
    "lifecycle.recompute": QT_TRANSLATE_NOOP("audit", "重新计算会员生命周期与 RFM"),
    "coupon.void": QT_TRANSLATE_NOOP("audit", "作废优惠券"),
    "countcard.expire": QT_TRANSLATE_NOOP("audit", "次卡过期"),
    "category.add": QT_TRANSLATE_NOOP("audit", "新增商品分类"),
    "category.update": QT_TRANSLATE_NOOP("audit", "修改商品分类"),
    "category.deactivate": QT_TRANSLATE_NOOP("audit", "停用商品分类"),
    "setting.change": QT_TRANSLATE_NOOP("audit", "修改设置"),
    "shift.open": QT_TRANSLATE_NOOP("audit", "开班"),
    "shift.close": QT_TRANSLATE_NOOP("audit", "交班"),
    "shift.count": QT_TRANSLATE_NOOP("audit", "交班点款"),
    "shift.recount": QT_TRANSLATE_NOOP("audit", "重新点款"),
    "staff.add": QT_TRANSLATE_NOOP("audit", "添加员工"),
    "staff.locked": QT_TRANSLATE_NOOP("audit", "员工锁定"),
    "staff.pin_failed": QT_TRANSLATE_NOOP("audit", "密码错误"),
    "staff.unlock": QT_TRANSLATE_NOOP("audit", "解锁员工"),
    "staff.recover": QT_TRANSLATE_NOOP("audit", "恢复管理员"),
    "staff.recover_refused": QT_TRANSLATE_NOOP("audit", "恢复管理员被拒"),
    "staff.recovery_code": QT_TRANSLATE_NOOP("audit", "新恢复码"),
    "store.init": QT_TRANSLATE_NOOP("audit", "开店"),
    "stored_value.adjust": QT_TRANSLATE_NOOP("audit", "调整储值"),
    "stored_value.topup": QT_TRANSLATE_NOOP("audit", "储值充值"),
    "stored_value.topup_refund": QT_TRANSLATE_NOOP("audit", "充值退款"),
    "sync.join": QT_TRANSLATE_NOOP("audit", "从总部取得本店数据"),
    "sync.pull": QT_TRANSLATE_NOOP("audit", "接收总部数据"),
    "tier.override": QT_TRANSLATE_NOOP("audit", "手动调整等级"),
}

ENTITIES: dict[str, str] = {
    "backup": QT_TRANSLATE_NOOP("audit", "备份"),
    "card": QT_TRANSLATE_NOOP("audit", "会员卡"),
    "clock": QT_TRANSLATE_NOOP("audit", "时钟"),
    "day": QT_TRANSLATE_NOOP("audit", "营业日"),
    "export": QT_TRANSLATE_NOOP("audit", "导出"),
    "history": QT_TRANSLATE_NOOP("audit", "会员历史记录"),
    "member": QT_TRANSLATE_NOOP("audit", "会员"),
    "printer": QT_TRANSLATE_NOOP("audit", "打印机"),
    "setting": QT_TRANSLATE_NOOP("audit", "设置"),
    "shift": QT_TRANSLATE_NOOP("audit", "班次"),
    "staff": QT_TRANSLATE_NOOP("audit", "员工"),
    "store": QT_TRANSLATE_NOOP("audit", "门店"),
    "item": QT_TRANSLATE_NOOP("audit", "商品"),
    "category": QT_TRANSLATE_NOOP("audit", "商品分类"),
    "sync": QT_TRANSLATE_NOOP("audit", "总部同步"),
    "txn": QT_TRANSLATE_NOOP("audit", "交易"),
    "held_cart": QT_TRANSLATE_NOOP("audit", "挂单记录"),
    "count_card": QT_TRANSLATE_NOOP("audit", "次卡"),
    "countcard_product": QT_TRANSLATE_NOOP("audit", "次卡产品"),
    "coupon_template": QT_TRANSLATE_NOOP("audit", "优惠券模板"),
    "tag": QT_TRANSLATE_NOOP("audit", "会员标签"),
    "ticket": QT_TRANSLATE_NOOP("audit", "服务工单"),
    "coupon": QT_TRANSLATE_NOOP("audit", "优惠券"),
    "lifecycle": QT_TRANSLATE_NOOP("audit", "会员生命周期"),
}


# Families the action filter offers as one choice ("card" finds card.lost, card.replace, ...).
FAMILIES: dict[str, str] = {
    "backup": QT_TRANSLATE_NOOP("audit", "备份与恢复(全部)"),
    "card": QT_TRANSLATE_NOOP("audit", "卡操作(全部)"),
    "cart": QT_TRANSLATE_NOOP("audit", "挂单与取单(全部)"),
    "countcard": QT_TRANSLATE_NOOP("audit", "次卡(全部)"),
    "member": QT_TRANSLATE_NOOP("audit", "会员资料(全部)"),
    "points": QT_TRANSLATE_NOOP("audit", "积分(全部)"),
    "shift": QT_TRANSLATE_NOOP("audit", "开班与交班(全部)"),
    "staff": QT_TRANSLATE_NOOP("audit", "员工(全部)"),
    "stored_value": QT_TRANSLATE_NOOP("audit", "储值(全部)"),
}


def filter_choices() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(words, code) for the action filter (families first, then each action) and for the
    entity filter, in the UI's language."""
    families = [(_words(w), code) for code, w in FAMILIES.items()]
    actions = sorted((_words(w), code) for code, w in ACTIONS.items())
    entities = sorted((_words(w), code) for code, w in ENTITIES.items())
    return families + actions, entities


def _words(source: str) -> str:
    return QCoreApplication.translate("audit", source)


def action_words(code: str) -> str:
    """The action's name; one this release has no name for is shown as its code."""
    words = ACTIONS.get(code)
    return QCoreApplication.translate("audit", words) if words else code


def entity_words(code: str) -> str:
    words = ENTITIES.get(code)
    return QCoreApplication.translate("audit", words) if words else code
