"""The member tags' messages (中文, English); :mod:`app.domain.messages` holds them."""

from __future__ import annotations

TAG_MESSAGES: dict[str, tuple[str, str]] = {
    "tag_code_invalid": (
        "标签代码 {tag} 不正确:应为 1 至 24 位字母、数字或下划线",
        "The tag code {tag} is not valid: 1 to 24 letters, digits or underscores",
    ),
    "tag_name_required": ("请填写标签名称", "The tag needs a name"),
    "tag_name_too_long": (
        "标签名称最多 {limit} 个字",
        "A tag's name has at most {limit} characters",
    ),
    "tag_colour_invalid": ("没有这种标签颜色:{colour}", "No such tag colour: {colour}"),
    "tag_invalid": ("标签设置不正确({field})", "The tag's settings are not valid ({field})"),
    "tag_rule_required": ("规则标签须选择一条规则", "A rule tag needs a rule"),
    "tag_rule_invalid": ("没有这种标签规则:{rule}", "No such tag rule: {rule}"),
    "tag_rule_param": (
        "规则 {rule} 的参数 {param} 须为正整数",
        "The rule {rule} needs a positive whole number for {param}",
    ),
    "tag_unknown": ("没有标签 {tag}", "No tag {tag}"),
    "tag_nothing_changed": ("标签没有改动", "No tag was changed"),
    "tag_unchanged": ("标签 {tag} 没有改动", "Nothing about the tag {tag} changed"),
    "tag_already_on": ("{name} 已有标签“{tag}”", "{name} already has the tag {tag}"),
    "tag_not_on": ("{name} 没有标签“{tag}”", "{name} does not have the tag {tag}"),
    "tag_inactive": ("标签 {tag} 已停用", "The tag {tag} is no longer in use"),
    "tag_is_rule": (
        "标签 {tag} 由规则自动判断,不能手动设置",
        "The tag {tag} follows its rule: it cannot be set by hand",
    ),
    "tag_managers_only": (
        "标签 {tag} 只能由店长设置或取消",
        "Only a manager may set or take off the tag {tag}",
    ),
    "tag_foreign": (
        "标签 {tag} 由门店 {owner} 创建,只能由该店修改",
        "The tag {tag} belongs to store {owner}: only that store may change it",
    ),
    "tag_kind_fixed": (
        "标签 {tag} 的类型(手动或规则)创建后不能更改",
        "The tag {tag} stays manual or rule as it was made",
    ),
    "hq_tag_unknown": ("总部没有标签 {tag}", "HQ has no tag {tag}"),
    "hq_tag_not_manual": (
        "标签 {tag} 不是手动标签,不能在会员上设置",
        "The tag {tag} is not a manual tag: it cannot be set on a member",
    ),
    "hq_tag_managers_only": (
        "标签 {tag} 只能由店长设置,该员工不是店长",
        "Only a manager may set the tag {tag}, and this staff member is not one",
    ),
    "hq_tag_foreign": (
        "标签 {tag} 属于门店 {owner},本店不能修改",
        "The tag {tag} belongs to store {owner}: this store cannot change it",
    ),
    "hq_tag_clock_ahead": (
        "标签 {tag} 的设置时间比总部时间晚一天以上:请校正该收银台的电脑时间",
        "The tag {tag} is set at a time more than a day after HQ's: set that counter's clock",
    ),
}

# What each rule is called, and its parameter's words ({n}: yuan or days).
RULE_WORDS: dict[str, tuple[str, str]] = {
    "spend_12m": ("近12个月消费满 ¥{n}", "spent ¥{n} or more in 12 months"),
    "birthday_month": ("本月生日", "birthday this month"),
    "low_balance": ("余额低于 ¥{n}", "balance below ¥{n}"),
    "dormant": ("超过 {n} 天未到店", "no visit for more than {n} days"),
    "countcard_unused": ("有次卡未用完", "holds a count card with times left"),
}
