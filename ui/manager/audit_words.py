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
    "clock.behind": QT_TRANSLATE_NOOP("audit", "时钟回拨"),
    "day.close": QT_TRANSLATE_NOOP("audit", "日结"),
    "history.carried": QT_TRANSLATE_NOOP("audit", "结转 18 个月前的记录(总部保留)"),
    "member.export": QT_TRANSLATE_NOOP("audit", "导出会员"),
    "member.import": QT_TRANSLATE_NOOP("audit", "导入会员"),
    "member.import_batch": QT_TRANSLATE_NOOP("audit", "批量导入"),
    "member.register": QT_TRANSLATE_NOOP("audit", "登记会员"),
    "member.set_password": QT_TRANSLATE_NOOP("audit", "设置支付密码"),
    "member.reset_password": QT_TRANSLATE_NOOP("audit", "重置支付密码"),
    "member.update_profile": QT_TRANSLATE_NOOP("audit", "修改资料"),
    "member.view_phone": QT_TRANSLATE_NOOP("audit", "查看完整手机号"),
    "points.adjust": QT_TRANSLATE_NOOP("audit", "调整积分"),
    "points.expire": QT_TRANSLATE_NOOP("audit", "积分过期"),
    "rules.update": QT_TRANSLATE_NOOP("audit", "修改会员规则"),
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
    "setting": QT_TRANSLATE_NOOP("audit", "设置"),
    "shift": QT_TRANSLATE_NOOP("audit", "班次"),
    "staff": QT_TRANSLATE_NOOP("audit", "员工"),
    "store": QT_TRANSLATE_NOOP("audit", "门店"),
    "sync": QT_TRANSLATE_NOOP("audit", "总部同步"),
    "txn": QT_TRANSLATE_NOOP("audit", "交易"),
}


# Families the action filter offers as one choice ("card" finds card.lost, card.replace, ...).
FAMILIES: dict[str, str] = {
    "backup": QT_TRANSLATE_NOOP("audit", "备份与恢复(全部)"),
    "card": QT_TRANSLATE_NOOP("audit", "卡操作(全部)"),
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
