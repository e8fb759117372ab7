"""The consent ledger's messages (中文, English); :mod:`app.domain.messages` holds them."""

from __future__ import annotations

CONSENT_MESSAGES: dict[str, tuple[str, str]] = {
    "consent_purpose_invalid": (
        "没有这种同意用途:{purpose}(可选 marketing 营销、transactional 消费提醒)",
        "No such consent purpose: {purpose} (marketing or transactional)",
    ),
    "consent_channel_invalid": (
        "没有这种联系渠道:{channel}(可选 sms、wechat、email)",
        "No such channel: {channel} (sms, wechat or email)",
    ),
    "consent_source_invalid": (
        "没有这种同意来源:{source}(可选 counter、reply、request、registration)",
        "No such consent source: {source} (counter, reply, request or registration)",
    ),
    "consent_wording_invalid": (
        "同意文本版本 {version} 不是 {purpose}/{channel} 的文本",
        "The consent wording {version} is not one for {purpose} by {channel}",
    ),
    "consent_entry_invalid": ("同意记录不正确", "The consent entry is not valid"),
    "consent_already_granted": (
        "{name} 已同意{purpose}({channel})",
        "{name} has already agreed to {purpose} by {channel}",
    ),
    "consent_not_granted": (
        "{name} 当前没有同意{purpose}({channel}),无需撤回",
        "{name} has not agreed to {purpose} by {channel}: nothing to withdraw",
    ),
    "hq_consent_wording": (
        "总部不认识同意文本版本 {version}({purpose}/{channel})",
        "HQ does not know the consent wording {version} ({purpose} by {channel})",
    ),
    "hq_consent_store": (
        "同意记录的门店 {store} 不是上传的收银台所在门店",
        "The consent entry's store {store} is not the pushing counter's store",
    ),
    "hq_consent_clock_ahead": (
        "同意记录的时间比总部时间晚一天以上:请校正该收银台的电脑时间",
        "The consent entry is dated more than a day after HQ's time: set that counter's clock",
    ),
    "hq_consent_scope": (
        "该会员不在本店范围内,本店不能记录其同意",
        "The member is not one this store serves: it cannot record their consent",
    ),
    "hq_consent_staff": (
        "同意记录的员工 {staff} 不属于本店",
        "The staff member {staff} of the consent entry is not this store's",
    ),
}

# How a purpose, a channel and a state are called.
PURPOSE_WORDS: dict[str, tuple[str, str]] = {
    "marketing": ("营销", "marketing"),
    "transactional": ("消费提醒", "transaction alerts"),
}
CHANNEL_WORDS: dict[str, tuple[str, str]] = {
    "sms": ("短信", "SMS"),
    "wechat": ("微信", "WeChat"),
    "email": ("邮件", "email"),
}
STATE_WORDS: dict[str, tuple[str, str]] = {
    "granted": ("已同意", "agreed"),
    "withdrawn": ("已撤回", "withdrawn"),
    "none": ("未同意", "not agreed"),
}
SOURCE_WORDS: dict[str, tuple[str, str]] = {
    "counter": ("柜台", "at the counter"),
    "reply": ("会员回复", "member's reply"),
    "request": ("会员要求", "member's request"),
    "registration": ("注册时", "at registration"),
}
