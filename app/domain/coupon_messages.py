"""The coupons' messages (中文, English); :mod:`app.domain.messages` holds them."""

from __future__ import annotations

COUPON_MESSAGES: dict[str, tuple[str, str]] = {
    "hq_coupon_void_foreign": (
        "券 {coupon} 由门店 {store} 发放:只有发放门店或会员的注册门店可以作废",
        "The coupon {coupon} was issued by store {store}: only that store or the member's"
        " home store may void it",
    ),
    "hq_coupon_not_voidable_at_hq": (
        "总部记录券 {coupon} 已使用或已作废,不能作废",
        "HQ holds the coupon {coupon} as used or voided: it cannot be voided",
    ),
    # HQ's checks of a counter's coupons (server.coupons): the event is set aside.
    "hq_coupon_terms_invalid": (
        "券规则不正确:总部不能识别",
        "The coupon's terms are not valid: HQ cannot read them",
    ),
    "hq_coupon_template_foreign": (
        "券模板 {template} 属于{store},本店不能修改或发放",
        "Coupon template {template} is {store}'s: this store cannot change or issue it",
    ),
    "hq_coupon_template_unknown": (
        "总部没有券模板 {template}",
        "HQ has no coupon template {template}",
    ),
    "hq_coupon_template_inactive": (
        "券模板 {template} 已停用,不能发放",
        "Coupon template {template} is no longer in use: it cannot be issued",
    ),
    "hq_coupon_member_limit": (
        "该会员在总部已有此券 {count} 张,每人限领 {limit} 张",
        "At HQ the member holds {count} of this coupon; the limit is {limit} each",
    ),
    "hq_coupon_mismatch": (
        "券的数据与总部不符({detail})",
        "The coupon is not as HQ has it ({detail})",
    ),
    "hq_coupon_code_invalid": (
        "券码格式或校验位不正确",
        "The coupon code or its check character is wrong",
    ),
    "hq_coupon_code_taken": ("券码 {coupon} 已被另一张券使用", "Code {coupon} is another coupon's"),
    "hq_coupon_unknown": ("总部没有券 {coupon}", "HQ has no coupon {coupon}"),
    "hq_coupon_not_owner": (
        "券 {coupon} 不属于此会员",
        "Coupon {coupon} belongs to another member",
    ),
    "hq_coupon_walk_in": ("散客的销售不能用券", "A walk-in customer's sale takes no coupon"),
    "hq_coupon_not_valid": (
        "券 {coupon} 在销售当日不在有效期内({since} 至 {until})",
        "Coupon {coupon} was not valid on the sale's day ({since} to {until})",
    ),
    "hq_coupon_terms_not_hqs": (
        "券 {coupon} 的规则与总部的券模板不符",
        "Coupon {coupon} carries terms other than its template's at HQ",
    ),
    "hq_coupon_used": (
        "券 {coupon} 已由本机使用过,不能再次使用",
        "Coupon {coupon} was used by this counter before: it cannot be used again",
    ),
    "hq_coupon_restore_mismatch": (
        "退款退回的券与总部记录不符({detail})",
        "The coupons the refund gives back are not as HQ has them ({detail})",
    ),
    "coupon_code_invalid": (
        "券码格式不正确:应为 12 位字母或数字",
        "The coupon code is not valid: it has 12 letters or digits",
    ),
    "coupon_code_check": (
        "券码校验位不符,请核对后重新输入",
        "The coupon code's check character does not match: check it and type it again",
    ),
    "coupon_not_found": ("没有找到券 {coupon}", "No coupon {coupon}"),
    "coupon_kind_invalid": ("券类型不正确:{kind}", "Unknown coupon kind: {kind}"),
    "coupon_terms_invalid": ("券规则不正确({field})", "The coupon's terms are not valid ({field})"),
    "coupon_scope_empty": (
        "指定商品的券至少要列出一个商品或分类",
        "A coupon for some items lists at least one item or category",
    ),
    "coupon_amount_over_threshold": (
        "满减券的减免金额不能超过门槛",
        "A threshold coupon cannot take off more than its threshold",
    ),
    "coupon_percent_invalid": (
        "折扣券的折扣须在 0.01% 到 99.99% 之间(收到 {value})",
        "A percentage coupon takes 0.01% to 99.99% off (got {value})",
    ),
    "coupon_validity_invalid": (
        "有效期须为起止日期(止不早于起),或领取后天数,二选一",
        "Validity is either a from and until date (until not before from) or days from issue",
    ),
    "coupon_validity_days": (
        "领取后有效天数须在 1 到 {max} 之间",
        "Days of validity from issue are 1 to {max}",
    ),
    "coupon_limit_invalid": ("每人限领张数须为正整数", "The per-member limit is a positive number"),
    "coupon_name_invalid": ("券名称须为 1 到 32 个字", "A coupon's name has 1 to 32 characters"),
    "coupon_template_not_found": ("没有券模板 {template}", "No coupon template {template}"),
    "coupon_template_inactive": (
        "券模板 {template} 已停用",
        "Coupon template {template} is no longer in use",
    ),
    "coupon_template_foreign": (
        "券模板 {template} 是门店 {store} 的,本店不能发放",
        "Coupon template {template} is store {store}'s: this store cannot issue it",
    ),
    "coupon_member_limit": (
        "该会员已领取此券 {count} 张,每人限领 {limit} 张",
        "The member holds {count} of this coupon; the limit is {limit} each",
    ),
    "coupon_issue_expired": (
        "券模板 {template} 的有效期已过({until}),不能再发放",
        "Coupon template {template} was valid until {until}: it can no longer be issued",
    ),
    "coupon_twice": ("同一张券不能使用两次", "The same coupon cannot be used twice"),
    "coupon_not_stackable": (
        "券 {coupon} 不可与其他券同时使用",
        "Coupon {coupon} cannot be used with another coupon",
    ),
    "coupon_no_lines": (
        "券 {coupon} 不适用于购物车中的任何商品",
        "Coupon {coupon} applies to nothing in the cart",
    ),
    "coupon_min_spend": (
        "券 {coupon} 需满 {min:money} 才能使用(当前 {amount:money})",
        "Coupon {coupon} needs a spend of {min:money} (this is {amount:money})",
    ),
    "coupon_threshold": (
        "券 {coupon} 未达到使用门槛 {threshold:money}(当前 {amount:money})",
        "Coupon {coupon} needs {threshold:money} of eligible goods (this is {amount:money})",
    ),
    "coupon_used": ("券 {coupon} 已使用", "Coupon {coupon} has been used"),
    "coupon_voided": ("券 {coupon} 已作废", "Coupon {coupon} has been voided"),
    "coupon_expired": ("券 {coupon} 已过期(有效期至 {until})", "Coupon {coupon} expired ({until})"),
    "coupon_not_yet": (
        "券 {coupon} 尚未生效({since} 起可用)",
        "Coupon {coupon} is valid from {since}",
    ),
    "coupon_other_owner": (
        "券 {coupon} 不属于此会员",
        "Coupon {coupon} belongs to another member",
    ),
    "coupon_walk_in": (
        "券 {coupon} 属于会员:散客不能使用",
        "Coupon {coupon} belongs to a member: a walk-in customer cannot use it",
    ),
    "coupon_bearer_offline": (
        "无记名券 {coupon} 需连接总部才能使用",
        "Bearer coupon {coupon} can be used only while HQ is reachable",
    ),
    "coupon_not_synced": (
        "券 {coupon} 尚未同步到本店",
        "Coupon {coupon} has not reached this store yet",
    ),
    "coupon_exchange_item": (
        "兑换券须且只须指定一个商品或服务(不指定分类,不设金额或折扣)",
        "An exchange coupon names exactly one item or service (no category, amount or percent)",
    ),
    "coupon_hours_invalid": (
        "可用时段须为一天之内的起止时间(起早于止)",
        "The hours a coupon can be used are a start and an end within one day (start first)",
    ),
    "coupon_weekdays_invalid": (
        "可用星期须为 1(周一)到 7(周日),不重复",
        "The weekdays a coupon can be used are 1 (Monday) to 7 (Sunday), each once",
    ),
    "coupon_wrong_store": (
        "券 {coupon} 仅限门店 {stores} 使用",
        "Coupon {coupon} is honoured only at stores {stores}",
    ),
    "coupon_wrong_day": (
        "券 {coupon} 仅限每周 {days} 使用(1 为周一)",
        "Coupon {coupon} can be used only on weekdays {days} (1 is Monday)",
    ),
    "coupon_wrong_hours": (
        "券 {coupon} 仅限 {hours} 使用",
        "Coupon {coupon} can be used only between {hours}",
    ),
    "hq_coupon_wrong_store": (
        "券 {coupon} 仅限门店 {stores} 使用,总部不接受在本店使用",
        "Coupon {coupon} is honoured only at stores {stores}: HQ refuses its use here",
    ),
    "hq_coupon_wrong_day": (
        "券 {coupon} 仅限每周 {days} 使用(1 为周一),总部不接受此时使用",
        "Coupon {coupon} can be used only on weekdays {days} (1 is Monday): HQ refuses it",
    ),
    "hq_coupon_wrong_hours": (
        "券 {coupon} 仅限 {hours} 使用,总部不接受此时使用",
        "Coupon {coupon} can be used only between {hours}: HQ refuses it",
    ),
    "coupon_same_group": (
        "券 {coupon} 与券 {other} 同属互斥组 {group},不能同时使用",
        "Coupons {coupon} and {other} are both of the exclusive group {group}: use one",
    ),
    "coupon_void_reason": ("作废优惠券须填写原因", "Voiding a coupon needs a reason"),
    "coupon_not_voidable": (
        "券 {coupon} 当前状态为{state},不能作废",
        "Coupon {coupon} is {state}: it cannot be voided",
    ),
    "coupon_rule_invalid": ("发券规则不正确({field})", "The issue rule is not valid ({field})"),
    "coupon_rule_days": (
        "生日券须在生日前 0 到 {max} 天发放",
        "A birthday coupon is issued 0 to {max} days before the birthday",
    ),
}
