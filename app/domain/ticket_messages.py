"""The service tickets' messages (中文, English); :mod:`app.domain.messages` holds them."""

from __future__ import annotations

TICKET_MESSAGES: dict[str, tuple[str, str]] = {
    "ticket_kind_invalid": (
        "没有这种工单类型:{kind}(咨询 consultation、投诉 complaint、"
        "反馈 feedback、建议 suggestion)",
        "No such ticket kind: {kind} (consultation, complaint, feedback, suggestion)",
    ),
    "ticket_priority_invalid": (
        "没有这种优先级:{priority}(低 low、普通 normal、高 high、紧急 urgent)",
        "No such priority: {priority} (low, normal, high, urgent)",
    ),
    "ticket_status_invalid": (
        "没有这种工单状态:{status}(new、in_progress、resolved、closed)",
        "No such ticket status: {status} (new, in_progress, resolved, closed)",
    ),
    "ticket_subject_required": ("请填写工单主题", "The ticket needs a subject"),
    "ticket_subject_too_long": (
        "工单主题最多 {limit} 个字",
        "A ticket's subject has at most {limit} characters",
    ),
    "ticket_body_too_long": (
        "工单内容最多 {limit} 个字",
        "A ticket's text has at most {limit} characters",
    ),
    "ticket_text_too_long": (
        "处理结果或跟进记录最多 {limit} 个字",
        "A resolution or a note has at most {limit} characters",
    ),
    "ticket_invalid": ("工单内容不正确({field})", "The ticket is not valid ({field})"),
    "ticket_number_invalid": (
        "工单号 {number} 不正确,应如 T-S001-7F3A-000123",
        "The ticket number {number} is not valid: it looks like T-S001-7F3A-000123",
    ),
    "ticket_unknown": ("没有工单 {number}", "No ticket {number}"),
    "ticket_assignee_invalid": (
        "处理人工号 {staff} 不正确",
        "The staff number {staff} to assign is not valid",
    ),
    "ticket_assignee_unknown": ("没有工号为 {staff} 的员工", "No staff member numbered {staff}"),
    "ticket_satisfaction_invalid": (
        "满意度须为 1 至 5 的整数",
        "The satisfaction is a whole number from 1 to 5",
    ),
    "ticket_satisfaction_too_early": (
        "工单解决或关闭后才能记录会员满意度",
        "The member's satisfaction is given once the ticket is resolved or closed",
    ),
    "ticket_move_refused": (
        "工单不能从“{current}”改为“{target}”",
        "A ticket cannot go from {current} to {target}",
    ),
    "ticket_resolution_required": (
        "解决工单须填写处理结果",
        "Resolving a ticket needs its resolution",
    ),
    "ticket_nothing_changed": ("工单没有改动", "Nothing about the ticket changed"),
    "ticket_closed": (
        "工单已关闭:请先重新打开(改为处理中)再修改",
        "The ticket is closed: reopen it (in progress) before changing it",
    ),
    "hq_member_not_in_scope": (
        "会员 {member_id} 不在本店范围内(既非本店会员,也未在本店调取)",
        "The member {member_id} is not in this store's scope (neither its own nor held here)",
    ),
    "hq_ticket_unknown": ("总部没有工单 {ticket}", "HQ has no ticket {ticket}"),
    "hq_ticket_clock_ahead": (
        "工单记录的时间比总部时间晚一天以上:请校正该收银台的电脑时间",
        "The ticket entry is dated more than a day after HQ's time: set that counter's clock",
    ),
    "hq_ticket_exists": ("总部已有工单 {ticket}", "HQ already has the ticket {ticket}"),
    "hq_ticket_number_taken": (
        "工单号 {number} 已被使用",
        "The ticket number {number} is taken already",
    ),
    "hq_ticket_foreign_store": (
        "工单属于门店 {owner},本店不能为其开单",
        "The ticket is store {owner}'s: this store cannot open it",
    ),
    "hq_ticket_move_refused": (
        "总部的工单状态为“{current}”,不能改为“{target}”",
        "At HQ the ticket is {current}: it cannot go to {target}",
    ),
    "hq_ticket_member_mismatch": (
        "工单 {ticket} 不属于该会员",
        "The ticket {ticket} is not this member's",
    ),
}

TICKET_FIELD_LABELS: dict[str, tuple[str, str]] = {
    "ticket_subject": ("工单主题", "The ticket's subject"),
    "ticket_body": ("工单内容", "The ticket's text"),
    "ticket_resolution": ("处理结果", "The resolution"),
    "ticket_note": ("跟进记录", "The follow-up note"),
}
