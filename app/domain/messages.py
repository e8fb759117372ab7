"""The counter's refusal messages in Simplified Chinese (default) and English.

Services raise errors with a stable code and parameters; the text is chosen
here for the language the UI runs in (``set_language``). Money parameters are
fen, written ``{amount:money}`` in a template and shown as ¥1,234.50; a field is
named with ``{field:label}`` (from :data:`FIELD_LABELS`) in the language shown.
"""

from __future__ import annotations

import re
import string
from typing import Any

from app.domain.catalogue_messages import CATALOGUE_MESSAGES
from app.domain.chain_sale_messages import CHAIN_SALE_MESSAGES
from app.domain.consent_messages import CONSENT_MESSAGES
from app.domain.coupon_messages import COUPON_MESSAGES
from app.domain.held_messages import HELD_MESSAGES
from app.domain.lifecycle_messages import LIFECYCLE_MESSAGES
from app.domain.refund_messages import REFUND_MESSAGES
from app.domain.sale_messages import SALE_MESSAGES
from app.domain.tag_messages import TAG_MESSAGES
from app.domain.ticket_messages import TICKET_FIELD_LABELS, TICKET_MESSAGES

LANGUAGES = ("zh", "en")
_language = "zh"


MESSAGES: dict[str, tuple[str, str]] = {
    # (中文, English)
    "member_other_store": (
        "{name} 是门店 {store} 的会员:此业务只能在该店办理",
        "{name} is a member of store {store}: only that store can do this",
    ),
    "pull_clash": (
        "与本机已有的数据冲突(如卡号重复),暂缓处理",
        "Clashes with data on this counter (e.g. a card number); set aside",
    ),
    "pull_invalid": ("总部发来的数据无法读取,暂缓处理", "Data from HQ this counter cannot read"),
    # HQ's refusals of a counter's event (server.validate): shown in ``sync status``.
    "hq_schema": ("事件内容格式不正确:{detail}", "The event is malformed: {detail}"),
    "hq_type_unknown": ("总部不认识此类事件:{type}", "HQ does not know this event type: {type}"),
    "hq_type_forbidden": (
        "收银台不能发送此类事件:{type}",
        "A counter may not send this kind of event: {type}",
    ),
    "hq_payload_hash": ("事件内容与校验值不符", "The event does not match its hash"),
    "hq_staff_unknown": (
        "员工 {staff} 在总部未登记或已停用",
        "Staff {staff} is unknown at HQ or inactive",
    ),
    "hq_staff_role": (
        "员工 {staff} 无权进行此操作({action})",
        "Staff {staff} may not do this ({action})",
    ),
    "hq_approval_missing": ("此操作需要店长授权,事件未附授权人", "This needs a manager's approval"),
    "hq_approver_invalid": (
        "授权人 {staff} 无权授权此操作",
        "Staff {staff} cannot approve this",
    ),
    "hq_device_mismatch": (
        "收银台只能以自身名义为本店操作",
        "A counter acts only as itself, for its own store",
    ),
    "hq_member_unknown": ("总部没有找到会员 {member_id}", "HQ has no member {member_id}"),
    "hq_member_foreign": (
        "会员属于门店 {home},本店不能进行此操作({action})",
        "The member belongs to store {home}; this store may not do this ({action})",
    ),
    "hq_id_taken": ("编号已被使用:{what} {id}", "This id is taken: {what} {id}"),
    "hq_card_taken": ("卡号 {card_no} 已属于其他会员", "Card {card_no} belongs to another member"),
    "hq_card_unknown": ("会员没有这张卡:{card_id}", "The member has no such card: {card_id}"),
    "hq_lot_unknown": (
        "积分批次不存在或不属于该会员:{lot_id}",
        "No such points lot of this member: {lot_id}",
    ),
    "hq_money_mismatch": ("金额对不上:{detail}", "The amounts do not add up: {detail}"),
    "hq_bonus_mismatch": (
        "赠送金额与规则不符:充值 {amount:money} 应送 {expected:money},事件为 {bonus:money}",
        "The bonus breaks the rules: a top-up of {amount:money} earns {expected:money}, "
        "not {bonus:money}",
    ),
    "hq_rules_after_hq_rules": (
        "该收银机已使用总部规则,不能再上传自己的规则变更",
        "This counter already works by HQ's rules: it cannot upload its own rules changes",
    ),
    "hq_rules_after_joining": (
        "该收银机加入总部时的记录到第 {head} 条为止,之后的规则变更只能由总部设置",
        "This counter's history ended at event {head} when it joined HQ: later rules changes"
        " are HQ's to make",
    ),
    "hq_rules_not_declared": (
        "该规则变更不在收银机加入总部时申报的记录中",
        "This rules change is not among the history the counter declared when it joined HQ",
    ),
    "hq_rules_version_unknown": ("总部没有规则版本 {version}", "HQ has no rules version {version}"),
    "hq_txn_unknown": ("总部没有找到原交易 {txn_id}", "HQ has no transaction {txn_id}"),
    "hq_txn_foreign": (
        "原交易不是本店所做,不能在本店退款({txn_id})",
        "The transaction was made at another store ({txn_id})",
    ),
    "hq_already_refunded": ("原交易已退款({txn_id})", "Already refunded ({txn_id})"),
    "hq_refund_mismatch": (
        "退款与原交易不符:{detail}",
        "The refund does not match the transaction: {detail}",
    ),
    "hq_waiting": (
        "同一会员的事件 {event_id} 被总部拒收,本事件等待其处理",
        "Waits for the refused event {event_id} of the same member",
    ),
    "hq_text_invalid": ("{field} 含有不允许的字符", "{field} has characters that are not allowed"),
    "hq_voided": ("总部已作废此事件", "HQ voided this event"),
    # Count cards at HQ (server.countcards).
    "hq_countcard_unknown": ("总部没有这张次卡:{card_id}", "HQ has no count card {card_id}"),
    "hq_countcard_not_owner": (
        "次卡 {card_id} 不属于此会员",
        "Count card {card_id} is not this member's",
    ),
    "hq_countcard_product_unknown": (
        "总部没有次卡产品 {product}",
        "HQ has no count card product {product}",
    ),
    "hq_countcard_product_foreign": (
        "次卡产品 {product} 由门店 {store} 设定,本店不能修改",
        "Count card product {product} belongs to store {store}",
    ),
    "hq_countcard_not_honoured": (
        "次卡 {product} 不能在门店 {store} 使用",
        "Count card {product} is not honoured at store {store}",
    ),
    "hq_countcard_card_mismatch": (
        "次卡与其产品不符:{detail}",
        "The count card does not match its product: {detail}",
    ),
    "hq_countcard_times_mismatch": (
        "次卡次数与总部记录不符",
        "The count card's times do not match HQ's",
    ),
    "hq_countcard_refund_mismatch": (
        "退卡金额应为 {expected:money},事件为 {amount:money}",
        "The refund should be {expected:money}, not {amount:money}",
    ),
    "hq_countcard_inactive": ("次卡已不可用({status})", "The count card is closed ({status})"),
    "hq_countcard_past": ("次卡已过期(有效期至 {date})", "The count card expired ({date})"),
    "hq_countcard_not_expired": (
        "次卡尚未过期(有效期至 {date})",
        "The count card has not expired ({date})",
    ),
    "hq_countcard_receiver_closed": (
        "受让会员 {member_id} 在总部已不可用({status})",
        "The receiving member {member_id} is closed at HQ ({status})",
    ),
    "hq_countcard_not_transferable": (
        "次卡 {product} 不可转让",
        "Count card {product} cannot be transferred",
    ),
    "address_length": ("地址不能超过 200 个字", "The address may have at most 200 characters"),
    "adjust_zero": ("调整数量不能为 0", "The adjustment cannot be zero"),
    "already_refunded": (
        "该笔交易已退款,不能重复退款({txn_id})",
        "This transaction has already been refunded ({txn_id})",
    ),
    "amount_invalid": ("金额格式不正确:{value}", "Not a valid amount: {value}"),
    "amount_not_positive": ("金额必须大于 0", "The amount must be greater than zero"),
    "amount_too_large": ("金额过大:{value}", "The amount is too large: {value}"),
    "amount_too_precise": ("金额最多两位小数:{value}", "At most two decimals: {value}"),
    "approval_required": ("此操作需要店长授权", "This needs a manager's approval"),
    "approver_not_manager": (
        "工号 {staff_no} 无权授权此操作,请店长授权",
        "Staff {staff_no} cannot approve this; a manager must",
    ),
    "balance_insufficient": (
        "储值余额不足:余额 {balance:money},需要 {amount:money}",
        "Not enough stored value: balance {balance:money}, needed {amount:money}",
    ),
    "release_version_invalid": (
        "版本号应为 主.次.修订,例如 1.2.0:{value}",
        "A version is major.minor.patch, e.g. 1.2.0: {value}",
    ),
    "release_url_invalid": (
        "安装程序地址应以 https://、http://、file:// 或 \\\\ 开头:{value}",
        "The installer's location must start with https://, http://, file:// or \\\\: {value}",
    ),
    "release_notes_invalid": (
        "说明最多 200 个字,且为一行",
        "The notes may have at most 200 characters on one line",
    ),
    "database_newer": (
        "数据库由更新版本的会员收银台建立(结构版本 {revision}),请安装该版本或更新的版本",
        "The database was made by a newer release of Member Counter (schema {revision}); "
        "install that release or a later one",
    ),
    "backup_corrupt": (
        "备份文件校验失败:{detail}",
        "The backup failed its integrity check: {detail}",
    ),
    "backup_target_exists": (
        "{path} 已经存在,备份没有写入;换一个新文件名,或加 --overwrite 覆盖旧备份",
        "{path} exists; nothing was written. Choose a new file name, or add --overwrite "
        "to replace an earlier backup",
    ),
    "backup_target_live": (
        "不能备份到 {path}:这是收银机正在使用的数据文件或其所在文件夹;请选别的文件夹"
        "(或数据目录中的 backups 文件夹)",
        "Cannot back up to {path}: it is the counter's live data or its folder; choose "
        "another folder (or the backups folder in the data directory)",
    ),
    "backup_target_special": (
        "{path} 不是普通文件(是设备、管道、文件夹或链接),不能用作备份文件",
        "{path} is not a regular file (a device, pipe, folder or link) and cannot hold a backup",
    ),
    "restore_behind_hq": (
        "这个备份太旧:总部已经收到本机第 {pushed} 号记录,备份只到第 {backup} 号;"
        "恢复后会与总部冲突,没有恢复。请联系总部",
        "This backup is older than what HQ already holds of this counter (event {pushed}; "
        "the backup ends at {backup}); restoring it would conflict with HQ, so nothing was "
        "restored. Ask HQ",
    ),
    "restore_corrupt": (
        "备份文件 {path} 已损坏({detail}),没有恢复",
        "The backup {path} is damaged ({detail}); nothing was restored",
    ),
    "restore_live": (
        "{path} 是收银机正在使用的数据文件,不是备份",
        "{path} is the counter's live database, not a backup",
    ),
    "restore_newer": (
        "备份 {path} 来自更新版本的收银机程序,请先升级本机程序再恢复",
        "The backup {path} was made by a newer version of the counter; update this one first",
    ),
    "restore_not_backup": (
        "{path} 不是会员收银台的备份文件",
        "{path} is not a Member Counter backup",
    ),
    "restore_other_store": (
        "这是门店 {backup} 的备份,本机是门店 {store},没有恢复",
        "This is a backup of store {backup}; this counter is store {store}. Nothing restored",
    ),
    "restore_window_open": (
        "收银窗口正在运行,请先关闭收银程序再恢复备份",
        "The counter window is running; close it before restoring a backup",
    ),
    "birthday_invalid": (
        "生日不正确:{value}(应为过去的真实日期,如 1990-05-20)",
        "Invalid birthday: {value} (a real past date such as 1990-05-20)",
    ),
    "card_cancelled": ("卡号 {card_no} 已注销", "Card {card_no} has been cancelled"),
    "card_check_digit": (
        "卡号校验位不对,请检查:{value}",
        "The card number's check digit is wrong: {value}",
    ),
    "card_duplicate": (
        "卡号 {card_no} 已被会员 {name} 使用",
        "Card {card_no} already belongs to member {name}",
    ),
    "card_frozen": (
        "会员卡 {card_no} 已冻结,不能用于储值或积分",
        "Card {card_no} is frozen: no stored value or points",
    ),
    "card_generation_failed": (
        "无法生成新卡号,请重试",
        "Could not generate a card number; try again",
    ),
    "card_invalid": ("卡号格式不正确:{value}", "Not a valid card number: {value}"),
    "card_lost": (
        "卡号 {card_no} 已挂失,请用手机号查找会员并补卡",
        "Card {card_no} was reported lost; find the member by phone and replace it",
    ),
    "card_none": ("会员 {name} 没有会员卡", "Member {name} has no card"),
    "card_not_active": ("会员卡不可用", "The member's card is not active"),
    "card_replaced": (
        "卡号 {card_no} 已补办新卡,旧卡不能再用",
        "Card {card_no} has been replaced and no longer works",
    ),
    "card_state": (
        "卡号 {card_no} 当前状态为「{status}」,不能进行此操作",
        "Card {card_no} is {status}; this cannot be done",
    ),
    "consent_required": (
        "请会员同意隐私政策后再登记",
        "The member must agree to the privacy policy first",
    ),
    "date_invalid": ("日期格式不正确:{value}(应为 YYYY-MM-DD)", "Not a date: {value} (YYYY-MM-DD)"),
    "email_invalid": ("邮箱格式不正确:{value}", "Not a valid e-mail address: {value}"),
    "expiry_date_future": (
        "积分到期处理日期不能晚于今天:{as_of}",
        "Points cannot be expired as of a future date: {as_of}",
    ),
    "gender_invalid": ("性别只能是男或女:{value}", "Gender must be m or f: {value}"),
    "member_cancelled": ("会员 {name} 已注销", "Member {name} has been cancelled"),
    "member_not_found": ("没有找到会员:{query}", "No member found: {query}"),
    "voided_at_hq": (
        "总部已作废此操作:本机已冲回储值 ¥{principal}、赠送 ¥{bonus}、积分 {points}"
        "(收下的现金请店长与顾客核对)",
        "HQ voided this operation: this counter reversed stored value ¥{principal}, bonus "
        "¥{bonus} and {points} points (the manager settles any cash taken with the customer)",
    ),
    "voided_at_hq_countcard": (
        "总部已作废此次卡操作:本机已冲回次卡记录({what}),储值 ¥{principal}、赠送 ¥{bonus}"
        "(收下的现金请店长与顾客核对)",
        "HQ voided this count-card operation: this counter reversed its entry ({what}) and "
        "stored value ¥{principal}, bonus ¥{bonus} (the manager settles any cash taken with "
        "the customer)",
    ),
    "refund_voided_at_hq": (
        "交易 {txn_id} 的退款已被总部作废并已冲回,不能再次退款,请联系总部处理",
        "HQ voided the refund of transaction {txn_id} and this counter reversed it: it cannot"
        " be refunded again here; ask HQ",
    ),
    "txn_voided_at_hq": (
        "总部已作废这笔交易 {txn_id},本机已冲回,不能再退款",
        "HQ voided transaction {txn_id}; this counter reversed it, so it cannot be refunded",
    ),
    "voided_at_hq_reverted": (
        "总部已作废此操作:本机已恢复为总部的记录",
        "HQ voided this operation: this counter went back to what HQ holds",
    ),
    "voided_at_hq_kept": (
        "总部已作废此操作:它在本机做的更改仍在,以总部的记录为准(可运行 sync repair)",
        "HQ voided this operation: its change is still on this counter; HQ's record is the "
        "one that counts (sync repair brings it)",
    ),
    "member_not_held": (
        "这是其他门店的会员,本机没有其最新余额:请联网后重新查找该会员,再使用储值或积分"
        "(充值和现金等付款不受影响)",
        "This member belongs to another store and this counter does not have their latest "
        "balances: find the member again while online before paying with stored value or "
        "points (top-ups and cash or other payments still work)",
    ),
    "snapshot_invalid": (
        "总部的门店数据不完整,将在下一次同步时重新获取",
        "HQ's store data came incomplete; it is fetched again at the next sync",
    ),
    "method_invalid": ("不支持的支付方式:{method}", "Unknown payment method: {method}"),
    "name_invalid": ("姓名含有不可用的字符", "The name contains characters that cannot be used"),
    "name_length": ("姓名应为 1–32 个字", "The name must have 1–32 characters"),
    "page_cursor": (
        "记录翻页位置不正确({tab})",
        "Not a valid place to continue the list ({tab})",
    ),
    "page_size": (
        "每页条数应为 1 至 {max}:{value}",
        "Rows per page must be 1 to {max}: {value}",
    ),
    "payment_password_exists": (
        "会员已设置支付密码,修改需要输入原密码",
        "A payment password is set; the old one is needed to change it",
    ),
    "payment_password_at_hq": (
        "该会员属于其他门店并设置了支付密码,密码由总部核对,现在连不上总部:"
        "请联网后再使用储值,或改用现金等其他方式付款",
        "This member belongs to another store and has a payment password, which HQ checks, "
        "and HQ cannot be reached now: use stored value once online, or take cash or another "
        "payment",
    ),
    "payment_password_locked_at_hq": (
        "支付密码错误次数过多已锁定,请到会员所属门店由店长重置",
        "Payment password locked after too many tries; a manager of the member's home store "
        "resets it",
    ),
    "payment_password_format": ("支付密码应为 6 位数字", "The payment password is 6 digits"),
    "payment_password_locked": (
        "支付密码错误次数过多已锁定,请店长重置",
        "Payment password locked after too many tries; a manager resets it",
    ),
    "payment_password_required": ("请输入会员支付密码", "Enter the member's payment password"),
    "payment_password_wrong": (
        "支付密码错误,还可尝试 {left} 次",
        "Wrong payment password; {left} tries left",
    ),
    "permission_denied": (
        "当前账号无权进行此操作({action})",
        "You are not allowed to do this ({action})",
    ),
    "phone_duplicate": (
        "手机号 {phone} 已是会员 {name} 的号码",
        "Mobile {phone} already belongs to member {name}",
    ),
    "phone_invalid": (
        "手机号不正确:{value}(应为 11 位大陆手机号)",
        "Not a mainland mobile number: {value}",
    ),
    "pin_format": ("密码应为 4–8 位数字", "The PIN is 4–8 digits"),
    "pin_trivial": (
        "密码太容易被猜到(如 0000、1234、4321 或全部相同的数字),请换一个;可以用 6 位",
        "This PIN is too easy to guess (like 0000, 1234, 4321 or one digit repeated); "
        "choose another, 6 digits if you like",
    ),
    "pin_wrong": (
        "工号或密码错误,还可尝试 {left} 次",
        "Wrong staff number or PIN; {left} tries left",
    ),
    "points_insufficient": (
        "积分不足:现有 {balance},需要 {points}",
        "Not enough points: {balance} available, {points} needed",
    ),
    "points_negative": ("积分不能为负数", "Points cannot be negative"),
    "points_over_cap": (
        "本单最多可用 {max_points} 积分抵现(不超过折后金额的一半)",
        "At most {max_points} points on this bill (half of it after discount)",
    ),
    "points_step": ("抵现积分须为 {step} 的整数倍", "Points must be a multiple of {step}"),
    "qr_expired": ("会员码已过期,请会员刷新后再扫", "The member code has expired; refresh it"),
    "qr_invalid": ("无效的会员码", "Not a valid member code"),
    "query_empty": ("请输入卡号、手机号或姓名", "Enter a card number, phone or name"),
    "reason_required": ("请填写原因", "A reason is required"),
    "recovery_admin_only": (
        "恢复码只用于管理员账号",
        "A recovery code is for the admin account only",
    ),
    "recovery_code_invalid": (
        "恢复码格式不对:应为 20 位(本机)或 24 位(总部发放)字母和数字",
        "Not a recovery code: 20 (this counter's) or 24 (HQ's) letters and digits",
    ),
    "recovery_code_wrong": (
        "恢复码不对,或已经用过、已过期;没有任何改动",
        "The recovery code is wrong, used or expired; nothing was changed",
    ),
    "role_invalid": ("角色不正确:{value}", "Unknown role: {value}"),
    "rules_invalid": ("规则设置不正确:{detail}", "Invalid rules: {detail}"),
    "source_invalid": ("来源渠道过长", "The source channel is too long"),
    "staff_locked": (
        "工号 {staff_no} 已锁定,请店长解锁(管理员可用恢复码解锁:member-counter staff recover)",
        "Staff {staff_no} is locked; a manager must unlock (an admin can use the recovery "
        "code: member-counter staff recover)",
    ),
    "staff_no_invalid": (
        "工号只能是字母和数字:{value}",
        "Staff number: letters and digits only: {value}",
    ),
    "staff_no_taken": ("工号 {staff_no} 已存在", "Staff number {staff_no} is taken"),
    "staff_unknown": ("工号或密码错误", "Wrong staff number or PIN"),
    "store_code_invalid": (
        "门店编码只能是字母、数字、- 和 _:{value}",
        "Store code: letters, digits, - and _ only: {value}",
    ),
    "store_exists": ("本机已经建立门店数据", "This counter already has a store"),
    "store_name_invalid": ("门店名称应为 1–64 个字", "The store name must have 1–64 characters"),
    "store_not_initialised": (
        "本机尚未建立门店,请先初始化",
        "No store on this counter yet; initialise it first",
    ),
    "text_control_chars": (
        "{field:label}含有不能保存的控制字符({chars}),请删除后再试",
        "{field:label} contains control characters that cannot be stored ({chars}); "
        "remove them and try again",
    ),
    # A disk or database that refuses: the operation was not saved, nothing half-written.
    "storage_busy": (
        "数据库正忙(另一个程序正在写入),请稍后重试;没有任何改动",
        "The database is busy (another program is writing); try again. Nothing was changed",
    ),
    "storage_corrupt": (
        "数据库文件已损坏,不能使用;请店长用最近的备份恢复(member-counter restore)",
        "The database file is damaged and cannot be used; a manager restores the latest "
        "backup (member-counter restore)",
    ),
    "storage_full": (
        "磁盘已满,本次操作没有保存(已有数据完好);请清理磁盘空间后重试",
        "The disk is full: this operation was not saved (the data already there is intact); "
        "free some disk space and try again",
    ),
    "storage_io": (
        "磁盘读写出错,本次操作没有保存;请检查磁盘,或联系技术支持",
        "The disk failed to read or write: this operation was not saved; "
        "check the disk or call support",
    ),
    "storage_readonly": (
        "数据库只能读不能写(文件只读或磁盘写保护),本次操作没有保存",
        "The database can be read but not written (a read-only file or disk): "
        "this operation was not saved",
    ),
    "storage_unavailable": (
        "无法打开数据库文件,请检查数据目录是否存在、磁盘是否连接",
        "Cannot open the database file: check that the data folder exists and the disk is "
        "connected",
    ),
    "file_error": (
        "无法读写文件 {path}:{reason}。没有任何改动",
        "Cannot read or write {path}: {reason}. Nothing was changed",
    ),
    "unexpected_error": (
        "出现意外错误,本次操作没有完成;详情已记入日志 {log}",
        "Something unexpected went wrong and the operation did not finish; "
        "the details are in the log {log}",
    ),
    "tender_duplicate": ("支付方式重复:{method}", "Payment method listed twice: {method}"),
    "tender_missing": ("请选择支付方式", "Choose how the member pays"),
    "tender_overpaid": (
        "非现金支付不能超过应付 {due:money}(已付 {paid:money})",
        "Non-cash payment cannot exceed {due:money} due (paid {paid:money})",
    ),
    "tender_short": (
        "支付金额不足:应付 {due:money},已付 {paid:money}",
        "Not enough paid: {due:money} due, {paid:money} paid",
    ),
    "tier_unchanged": ("会员已是该等级", "The member already has this tier"),
    "tier_unknown": ("没有这个会员等级:{tier}", "Unknown tier: {tier}"),
    "topup_refund_insufficient": (
        "余额已不足以退回这笔充值(本金 {principal:money},赠送金 {bonus:money};"
        "需要本金 {need_principal:money},赠送金 {need_bonus:money})",
        "The balance no longer covers this top-up (principal {principal:money}, "
        "bonus {bonus:money}; needs {need_principal:money} and {need_bonus:money})",
    ),
    "topup_too_large": ("单次充值不能超过 {max:money}", "One top-up cannot exceed {max:money}"),
    "txn_not_found": ("没有找到交易:{txn_id}", "No such transaction: {txn_id}"),
    "txn_not_refundable": (
        "这笔交易不能退款:{txn_id}",
        "This transaction cannot be refunded: {txn_id}",
    ),
    # Devices: printer, receipts, print queue, counter settings.
    "encoding_invalid": (
        "打印机编码不支持:{value}(可选 GB18030、GBK、Big5、UTF-8)",
        "Unknown printer encoding: {value} (GB18030, GBK, Big5 or UTF-8)",
    ),
    "paper_width_invalid": (
        "纸宽只能是 58 或 80 毫米:{value}",
        "The paper width is 58 or 80 mm: {value}",
    ),
    "printer_address_invalid": (
        "打印机地址不正确:{value}(例如 usb:0416:5011、serial:/dev/ttyUSB0?baudrate=9600、"
        "tcp:192.168.1.100:9100、win:打印机名称、file:/路径)",
        "Not a printer address: {value} (e.g. usb:0416:5011, "
        "serial:/dev/ttyUSB0?baudrate=9600, tcp:192.168.1.100:9100, win:PRINTER, file:/path)",
    ),
    "printer_profile_invalid": (
        "没有这个打印机型号配置:{value}",
        "Unknown printer profile: {value}",
    ),
    "printer_not_configured": (
        "尚未设置小票打印机,请在设置中填写打印机地址",
        "No receipt printer is set up; enter its address in the settings",
    ),
    "printer_no_paper": ("打印机缺纸,请装纸", "The printer is out of paper"),
    "printer_unavailable": (
        "打印机无法打印:{detail}",
        "The printer cannot print: {detail}",
    ),
    "printer_not_confirmed": (
        "打印机未确认打印(将重打):{detail}",
        "The printer did not confirm the print (it will be printed again): {detail}",
    ),
    "printer_test_confirmed": (
        "打印机已确认打印了测试页",
        "The printer confirmed it printed the test page",
    ),
    "printer_test_cannot_answer": (
        "测试页已送出,但无法确认是否打出:Windows 打印机和文件不能回答打印机状态。请看纸上",
        "The test page was sent, but it cannot be confirmed that it printed: a Windows printer "
        "or a file cannot answer the printer's status. Look at the paper",
    ),
    "printer_test_confirm_off": (
        "测试页已送出,未确认是否打出(已关闭“等打印机确认已打印”)。请看纸上",
        "The test page was sent, not confirmed as printed (“Wait for the printer to confirm "
        "each receipt” is off). Look at the paper",
    ),
    "printer_sent_cannot_answer": (
        "已送出,无法确认:{address} 不能回答打印机状态(Windows 打印机或文件),请看是否打出",
        "Sent, cannot be confirmed: {address} cannot answer the printer's status (a Windows "
        "printer or a file); check that it printed",
    ),
    "printer_sent_confirm_off": (
        "已送出,未确认:已关闭“等打印机确认已打印”,请看是否打出",
        "Sent, not confirmed: “Wait for the printer to confirm each receipt” is off; check "
        "that it printed",
    ),
    "printer_test_not_confirmed": (
        "打印机没有确认打印测试页:{detail}。请看是否打出;若已打出,这台打印机可能不能应答状态,"
        "可关闭“等打印机确认已打印”",
        "The printer did not confirm the test page: {detail}. Check whether it printed; if it "
        "did, this model may not answer its status: turn off “Wait for the printer to "
        "confirm each receipt”",
    ),
    "printer_no_status": (
        "{seconds} 秒内没有状态应答",
        "no status answer within {seconds} s",
    ),
    "printer_offline": (
        "打印机离线(开盖、缺纸或故障)",
        "the printer is offline (cover open, out of paper or an error)",
    ),
    "print_job_not_found": ("没有找到打印任务:{job_id}", "No such print job: {job_id}"),
    "print_job_printed": (
        "打印任务 {job_id} 已打印,如需再打请用重打印",
        "Print job {job_id} has printed; reprint the receipt instead",
    ),
    "print_job_sent": (
        "打印任务 {job_id} 已送出打印机(打印机无法确认),如需再打请用重打印",
        "Print job {job_id} was sent to the printer (which cannot confirm it); reprint the "
        "receipt instead",
    ),
    "receipt_not_printed": (
        "小票没有打出来:{detail}(打印任务 {job_id} 留在队列中,可稍后重试)",
        "The receipt did not print: {detail} (print job {job_id} stays queued for a retry)",
    ),
    "receipt_unavailable": (
        "这类交易没有小票:{kind}",
        "This kind of transaction has no receipt: {kind}",
    ),
    "setting_invalid": ("设置不正确:{detail}", "Invalid setting: {detail}"),
    "setting_unknown": ("没有这个设置项:{key}", "Unknown setting: {key}"),
    "scanner_port_invalid": (
        "扫码枪串口不正确:{value}",
        "Not a scanner port: {value}",
    ),
    # -- the manager's day: shifts, daily close, reports, import, export, rules --
    "clock_behind": (
        "电脑时间 {now} 早于上一笔业务的时间 {last}:请先把电脑的日期和时间校正好再操作;"
        "本次没有记账",
        "The computer's clock ({now}) is earlier than the last operation ({last}): set the "
        "date and time right first. Nothing was recorded",
    ),
    "clock_before_close": (
        "电脑日期 {today} 早于已日结的营业日 {closed}:请先把电脑的日期和时间校正好再操作;"
        "本次没有记账",
        "The computer's date ({today}) is before the closed business date {closed}: set the "
        "date and time right first. Nothing was recorded",
    ),
    "close_before_closed": (
        "营业日 {date} 早于已日结的 {closed},不能再日结",
        "Business date {date} is before the closed date {closed} and cannot be closed",
    ),
    "close_future": ("不能日结未来的日期:{date}", "A future date cannot be closed: {date}"),
    "close_not_started": (
        "营业日 {date} 还没有开始({start} 开始),现在不能日结;此前的业务已记入该营业日",
        "Business date {date} has not started yet (it starts at {start}) and cannot be closed "
        "now; what was done since the last close is dated into it",
    ),
    "day_start_before_close": (
        "营业日切换时间改为 {start} 后,现在属于营业日 {date},早于已日结的 {closed}:"
        "请过了 {start} 再改;没有更改",
        "With the business day starting at {start}, now would belong to {date}, before the "
        "closed date {closed}: change it after {start}. Nothing was changed",
    ),
    "day_start_moves_date": (
        "现在把营业日切换时间改为 {start},会把当前营业日从 {date} 改成 {new}:"
        "请在营业时间内(不在新旧切换时间之间)再改;没有更改",
        "Changing the business-day start to {start} now would move the current business date "
        "from {date} to {new}: change it during trading hours (not between the old and new "
        "start). Nothing was changed",
    ),
    "day_start_invalid": (
        "营业日切换时间不正确:{value}(请填 0–23 点或 HH:MM,如 04:00)",
        "Invalid business-day start: {value} (an hour 0–23 or HH:MM, e.g. 04:00)",
    ),
    "count_missing": (
        "请输入清点的现金总额,或按面额输入张数(二选一)",
        "Enter the counted cash as a total or by denomination (one of them)",
    ),
    "day_already_closed": ("营业日 {date} 已日结", "Business date {date} is already closed"),
    "day_closed": (
        "营业日 {date} 已日结,不能再记入该日的业务;请在下一营业日办理",
        "Business date {date} is closed: nothing more can be dated into it; "
        "do it on the next open date",
    ),
    "denomination_invalid": ("没有这种面额:{value}", "Not a banknote or coin: {value}"),
    "export_format": (
        "导出文件须为 .xlsx 或 .csv:{path}",
        "The export file must be .xlsx or .csv: {path}",
    ),
    "import_columns_missing": (
        "导入文件缺少必需的列:{fields}(可用 --mapping 指定列名,可映射的字段:{known})",
        "The import file lacks required columns: {fields} (name them with --mapping; "
        "the fields one can map: {known})",
    ),
    "import_field_unknown": (
        "列映射不正确:没有字段 '{field}';可映射的字段:{fields}",
        "Invalid column mapping: unknown field '{field}'; the fields one can map: {fields}",
    ),
    "import_header_row": (
        "导入文件第 {line} 行是空行或不存在,不能作为表头行",
        "Line {line} of the import file is blank or missing: it cannot be the header row",
    ),
    "import_tier_map_invalid": (
        "等级对应写法不正确:{part}(应为 旧等级=本店等级,如 VIP=金卡)",
        "Invalid tier mapping: {part} (write old=tier here, e.g. VIP=Gold)",
    ),
    "import_tier_map_unknown": (
        "等级对应 {old}={tier}:本店没有等级 {tier}(本店等级:{tiers})",
        "Tier mapping {old}={tier}: there is no tier {tier} here (tiers here: {tiers})",
    ),
    "import_tier_unknown": (
        "会员等级 {value} 不是本店的等级(本店等级:{tiers});可用 --tier-map 指定对应",
        "Tier {value} is not a tier here (tiers here: {tiers}); map it with --tier-map",
    ),
    "import_status_unknown": (
        "无法识别的会员状态:{value}(可识别:{known})",
        "Unknown member status: {value} (known: {known})",
    ),
    "import_date_invalid": ("日期格式不正确:{value}", "Not a date: {value}"),
    "import_phone_scientific": (
        "手机号 {value} 被表格存成了科学计数法,位数已丢失;请在原系统重新导出,或把该列设为文本格式",
        "Phone {value} was stored in scientific notation and lost digits; export it again, "
        "or format the column as text",
    ),
    "notes_length": ("备注不能超过 {max} 个字", "Notes may have at most {max} characters"),
    "home_store_length": (
        "注册门店不能超过 {max} 个字",
        "The home store may have at most {max} characters",
    ),
    "import_empty": ("导入文件没有数据行", "The import file has no data rows"),
    "import_file_unreadable": (
        "无法读取导入文件:{detail}",
        "Cannot read the import file: {detail}",
    ),
    "import_encoding": (
        "无法识别导入文件的编码:CSV 文件应为 UTF-8 或 GBK/GB18030 编码",
        "Cannot read the import file's encoding: a CSV must be UTF-8 or GBK/GB18030",
    ),
    "import_field_too_long": (
        "导入文件第 {line} 行有一个字段超过 {limit} 个字符,这不像会员表,未导入",
        "Line {line} of the import file has a field over {limit} characters; "
        "this is not a member list, nothing was imported",
    ),
    "import_not_csv": (
        "导入文件第 {line} 行无法按 CSV 读取(引号不配对?),请另存为 CSV 或 .xlsx 再试",
        "Line {line} of the import file cannot be read as CSV (unmatched quotes?); "
        "save it again as CSV or .xlsx",
    ),
    "import_not_regular": (
        "不能从这里导入:{path} 不是普通文件(是文件夹、设备或管道)",
        "Cannot import from {path}: it is not a regular file (a folder, device or pipe)",
    ),
    "import_not_xlsx": (
        "{path} 不是有效的 Excel .xlsx 文件(文件已损坏,或并非 xlsx 格式)",
        "{path} is not a valid Excel .xlsx file (damaged, or not in the xlsx format)",
    ),
    "import_nul": (
        "导入文件第 {line} 行含有空字符(NUL),这不是文本格式的 CSV 文件"
        "(如是 Excel 的“Unicode 文本”,请另存为“CSV UTF-8”)",
        "Line {line} of the import file contains NUL bytes: this is not a text CSV file "
        '(Excel\'s "Unicode text"? Save it as "CSV UTF-8")',
    ),
    "import_too_big": (
        "导入文件过大({size} MB),最多 {limit} MB;请拆分成几个文件",
        "The import file is too large ({size} MB); at most {limit} MB. Split it into parts",
    ),
    "import_too_many_rows": (
        "导入文件超过 {limit} 行(空行也算),请删除空行或拆分成几个文件",
        "The import file has more than {limit} rows (empty rows count too); "
        "delete empty rows or split it into parts",
    ),
    "import_has_errors": (
        "有 {errors} 行数据有错误,未导入任何会员;请先修正(可先试运行查看逐行报告)",
        "{errors} row(s) have errors; nothing was imported. Fix them first "
        "(a dry run reports every row)",
    ),
    "import_mapping_invalid": (
        "列映射不正确:{detail}(可映射的字段:{fields})",
        "Invalid column mapping: {detail} (the fields one can map: {fields})",
    ),
    "over_short_reason_required": (
        "现金长短款 {amount:money},请填写原因",
        "Cash over/short {amount:money}: a reason is required",
    ),
    "pieces_invalid": ("张数不正确:{value}", "Not a number of pieces: {value}"),
    "import_card_taken": (
        "卡号 {card_no} 已被本店其他会员使用",
        "Card {card_no} already belongs to another member here",
    ),
    "import_duplicate_conflict": (
        "与第 {line} 行的手机号或卡号相同,但内容不同",
        "Same phone or card as line {line}, with different data",
    ),
    "import_duplicate_row": ("与第 {line} 行完全相同,跳过", "Same as line {line}; skipped"),
    "import_row_totals": (
        "合计行({text}),不是会员,跳过",
        "A totals line ({text}), not a member; skipped",
    ),
    "import_row_header": (
        "重复的表头行(分页导出),不是会员,跳过",
        "The header repeated (a paged export), not a member; skipped",
    ),
    "import_cancelled": (
        "已注销会员:作为注销会员导入(留作历史,卡不能使用)",
        "A cancelled member: imported as cancelled (kept for history; the card cannot be used)",
    ),
    "import_cancelled_balance": (
        "已注销会员:作为注销会员导入(留作历史,卡不能使用);文件中的储值 {balance:money}、"
        "积分 {points} 不导入(注销时已结清)",
        "A cancelled member: imported as cancelled (kept for history; the card cannot be "
        "used); the balance {balance:money} and {points} points in the file are not imported "
        "(settled when the card was cancelled)",
    ),
    "import_cancelled_exists": (
        "已作为注销会员导入过({name}),跳过",
        "Already imported as a cancelled member ({name}); skipped",
    ),
    "import_member_exists": (
        "已是本店会员 {name},跳过(文件中的余额 {balance:money}、积分 {points} 不导入)",
        "Already a member here ({name}); skipped (balance {balance:money} and "
        "{points} points in the file are not imported)",
    ),
    "points_invalid": (
        "积分应为不小于 0 的整数:{value}",
        "Points must be a whole number ≥ 0: {value}",
    ),
    "range_invalid": (
        "日期范围不正确:{start} 至 {end}",
        "Invalid date range: {start} to {end}",
    ),
    "reason_too_long": ("原因不能超过 {max} 个字", "The reason may have at most {max} characters"),
    "rules_managed_by_hq": (
        "本店规则由总部统一管理,门店不能修改",
        "The rules are managed by HQ and cannot be changed at the store",
    ),
    "shift_already_open": (
        "您已有未结束的班次(开班于 {opened_at})",
        "You already have a shift that is not closed (opened {opened_at})",
    ),
    "shift_closed": ("该班次已交班结束", "This shift is already closed"),
    "shift_none": ("您当前没有未结束的班次,请先开班", "You have no open shift; open one first"),
    "shift_not_counted": (
        "请先清点现金(盲点)再交班",
        "Count the cash (blind count) before closing the shift",
    ),
    "shift_not_found": ("没有找到班次:{shift_id}", "No such shift: {shift_id}"),
    "shifts_not_closed": (
        "营业日 {date} 还有未交班的班次({staff}),请先交班",
        "Shifts of {date} are not closed yet ({staff}); close them first",
    ),
    "tier_in_use": (
        "还有 {count} 位会员属于等级「{tier}」,不能删除该等级",
        "{count} member(s) hold tier {tier}; it cannot be removed",
    ),
    # Sync with HQ and offline limits.
    "member_duplicate": (
        "会员 {name} 的手机号与其他门店登记的会员重复,请总部合并后再使用",
        "Member {name} shares a phone with a member of another store; HQ must merge them first",
    ),
    "offline_window_passed": (
        "已离线超过 {hours} 小时,暂停储值和积分消费,请恢复网络后同步",
        "Offline for more than {hours} hours: stored value and points are paused until sync",
    ),
    "offline_txn_limit": (
        "离线时单笔储值消费不能超过 {limit:money}(本笔 {amount:money})",
        "Offline, one stored-value payment is at most {limit:money} ({amount:money} asked)",
    ),
    "offline_points_limit": (
        "离线时单笔最多使用 {limit} 积分(本笔 {points})",
        "Offline, one checkout uses at most {limit} points ({points} asked)",
    ),
    "offline_member_limit": (
        "离线时该会员最多还能用储值 {left:money}(本笔 {amount:money})",
        "Offline, this member can spend at most {left:money} more ({amount:money} asked)",
    ),
    "offline_member_points": (
        "离线时该会员最多还能用 {left} 积分(本笔 {points})",
        "Offline, this member can use at most {left} more points ({points} asked)",
    ),
    "profile_unchanged": ("没有需要修改的资料", "Nothing to change"),
    "sync_not_enrolled": (
        "本机尚未注册到总部,请先执行 sync enroll",
        "This counter is not enrolled with HQ; run sync enroll first",
    ),
    "sync_pending": (
        "还有 {pending} 条记录未上传总部,请先同步",
        "{pending} events are not yet at HQ; sync first",
    ),
    # Cart sales, partial refunds and count cards (docs/pricing.md).
    "cart_empty": ("购物车中没有商品", "The cart has no items"),
    "cart_quantity_invalid": (
        "{item} 的数量不正确:{value}",
        "Not a valid quantity of {item}: {value}",
    ),
    "cart_price_invalid": (
        "{item} 的价格不正确:{value:money}",
        "Not a valid price of {item}: {value:money}",
    ),
    "cart_price_change_invalid": (
        "{item} 改价须给出新单价或新金额,二者选一",
        "A price change of {item} gives a new unit price or a new line amount, not both",
    ),
    "cart_order_discount_invalid": (
        "整单折扣须为百分比或金额之一,金额在 ¥0.01 至 {max:money} 之间",
        "An order discount is a percentage or an amount, from ¥0.01 to {max:money}",
    ),
    "cart_order_discount_percent": (
        "整单折扣比例不正确:{value} 个基点(应为 1–10000)",
        "Not a valid order discount: {value} basis points (1–10000)",
    ),
    "cart_rounding_invalid": ("抹零方式不正确:{value}", "Not a way of rounding off: {value}"),
    "cart_points_walk_in": (
        "散客不能使用积分,请先刷会员卡",
        "A walk-in customer cannot redeem points; scan a member card first",
    ),
    "cart_tender_mismatch": (
        "支付金额与应付不符:应付 {due:money},支付 {paid:money}",
        "The tenders do not match the bill: due {due:money}, paid {paid:money}",
    ),
    "refund_nothing": ("请选择要退的商品和数量", "Choose the lines and quantities to refund"),
    "refund_line_unknown": ("原交易没有第 {line} 行", "The sale has no line {line}"),
    "refund_quantity_invalid": (
        "第 {line} 行的退货数量不正确:{value}",
        "Not a valid quantity to refund on line {line}: {value}",
    ),
    "refund_quantity_over": (
        "第 {line} 行最多还能退 {remaining}",
        "Line {line}: at most {remaining} can still be refunded",
    ),
    "countcard_product_invalid": ("次卡设置不正确:{detail}", "Invalid count card: {detail}"),
    "countcard_expired": ("次卡已过期(有效期至 {date})", "The count card expired ({date})"),
    "countcard_not_expired": (
        "次卡尚未过期(有效期至 {date})",
        "The count card has not expired yet ({date})",
    ),
    "countcard_refunded": ("次卡已退卡", "The count card has been refunded"),
    "countcard_voided": ("总部已作废此次卡的售卡", "HQ voided the sale of this count card"),
    "countcard_item_unknown": ("此卡不含项目 {item}", "The card does not include {item}"),
    "countcard_times_invalid": ("使用次数须大于 0", "The number of times must be at least 1"),
    "countcard_times_insufficient": (
        "{item} 仅剩 {left} 次",
        "Only {left} times of {item} are left",
    ),
    # Count cards at the counter (app.services.countcards, countcard_products).
    "countcard_product_unknown": ("没有次卡产品 {product}", "No count card product {product}"),
    "countcard_item_not_in_catalogue": (
        "商品目录中没有在售的项目 {item}",
        "The catalogue has no active item {item}",
    ),
    "countcard_not_honoured": (
        "次卡 {product} 不能在本店({store})使用",
        "Count card {product} is not honoured at this store ({store})",
    ),
    "countcard_product_foreign": (
        "次卡产品 {product} 由{owner}设定,本店不能修改",
        "Count card product {product} is set by {owner}; this store cannot change it",
    ),
    "countcard_unknown": ("找不到次卡 {card}", "No count card {card}"),
    "countcard_none": ("{name} 没有可用的次卡", "{name} has no usable count card"),
    "countcard_choose": (
        "{name} 有多张可用的次卡,请指定卡号",
        "{name} has several usable count cards: choose one",
    ),
    "countcard_not_transferable": (
        "次卡 {product} 不可转让",
        "Count card {product} cannot be transferred",
    ),
    "countcard_transferred": (
        "次卡 {product} 已转让给其他会员",
        "Count card {product} was transferred to another member",
    ),
    "countcard_transfer_self": (
        "不能转让给同一会员",
        "A card cannot be transferred to the same member",
    ),
    "countcard_offline_limit": (
        "离线时每张次卡最多使用 {limit} 次,请联网同步后再用",
        "Offline, a count card can be used {limit} time(s) until the next sync",
    ),
    "sync_failed": ("与总部同步失败:{detail}", "Sync with HQ failed: {detail}"),
    # Another store's member's full number, asked of HQ (app.services.phone_view).
    "phone_hq_unreachable": (
        "总部连接不上,无法查看完整号码",
        "HQ cannot be reached: the full number cannot be shown",
    ),
    "phone_hq_staff": (
        "总部不允许员工 {staff_no} 查看完整号码",
        "HQ does not let staff {staff_no} see full numbers",
    ),
    "phone_hq_member": (
        "总部不提供此会员的完整号码(本店不服务此会员)",
        "HQ does not give this member's full number (this store does not serve them)",
    ),
    "phone_hq_busy": (
        "查看完整号码过于频繁,请稍后再试",
        "Too many full numbers asked: try again in a moment",
    ),
}


# The catalogue's own (a module of their own, beside the rest).
MESSAGES.update(CATALOGUE_MESSAGES)
MESSAGES.update(HELD_MESSAGES)
MESSAGES.update(COUPON_MESSAGES)
MESSAGES.update(TAG_MESSAGES)  # member tags (app.services.tags)
MESSAGES.update(LIFECYCLE_MESSAGES)  # lifecycle thresholds (app.domain.lifecycle)
MESSAGES.update(TICKET_MESSAGES)  # service tickets (app.services.tickets)
MESSAGES.update(CONSENT_MESSAGES)  # the consent ledger (app.services.consent)
MESSAGES.update(SALE_MESSAGES)  # cart and walk-in sales (app.services.sale)
MESSAGES.update(REFUND_MESSAGES)  # partial refunds (app.services.partial_refunds)
MESSAGES.update(CHAIN_SALE_MESSAGES)  # another store's sale refunded here (chain_sales)

# Field names a message can name with ``{field:label}``.
FIELD_LABELS: dict[str, tuple[str, str]] = {
    "name": ("姓名", "The name"),
    "email": ("邮箱", "The e-mail address"),
    "address": ("地址", "The address"),
    "notes": ("备注", "The notes"),
    "home_store": ("注册门店", "The home store"),
    "source": ("来源渠道", "The source channel"),
    "staff_name": ("员工姓名", "The staff name"),
    "store_name": ("门店名称", "The store name"),
    "reason": ("原因", "The reason"),
    "refund_reason": ("退款原因", "The refund reason"),
    "receipt_text": ("小票文字", "The receipt text"),
    "counter_name": ("收银台名称", "The counter name"),
    "tier_name": ("等级名称", "The tier name"),
    "printer_profile": ("打印机型号", "The printer profile"),
    "backup_folder": ("备份文件夹", "The backup folder"),
    "device_address": ("设备地址", "The device address"),
    "tag_name": ("标签名称", "The tag name"),
}
FIELD_LABELS.update(TICKET_FIELD_LABELS)


def set_language(language: str) -> None:
    global _language
    _language = "en" if language.lower().startswith("en") else "zh"


def current_language() -> str:
    return _language


class _Formatter(string.Formatter):
    """``{amount:money}`` shows fen as ¥1,234.50; everything else formats as usual."""

    def __init__(self, language: str | None = None) -> None:
        super().__init__()
        self.language = language  # None: the UI's

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec == "label":
            labels = FIELD_LABELS.get(str(value))
            english = (self.language or _language) == "en"
            return labels[1 if english else 0] if labels else str(value)
        if format_spec == "money" and isinstance(value, int):
            from app.domain.money import format_cny  # money imports errors, which imports this

            return format_cny(value)
        return super().format_field(value, "" if format_spec == "money" else format_spec)


_FORMATTER = _Formatter()


def _render(language: str, code: str, params: dict[str, Any]) -> str:
    texts = MESSAGES.get(code)
    if texts is None:
        return code
    template = texts[1] if language == "en" else texts[0]
    try:
        return _Formatter(language).format(template, **params)
    except (KeyError, IndexError, ValueError):
        return template.replace(":money}", "}").replace(":label}", "}")


def render(code: str, **params: Any) -> str:
    return _render(_language, code, params)


def render_in(language: str, code: str, /, **params: Any) -> str:
    """:func:`render` in ``language`` whatever the UI's (HQ words its refusals in Chinese)."""
    return _render("en" if language.lower().startswith("en") else "zh", code, params)


_PATTERNS: dict[str, re.Pattern[str] | None] = {}


def _pattern(template: str) -> re.Pattern[str] | None:
    """A Chinese template as a pattern that reads its parameters back out of a text."""
    if template not in _PATTERNS:
        parts: list[str] = []
        seen: set[str] = set()
        try:
            for literal, name, _spec, _conversion in _FORMATTER.parse(template):
                parts.append(re.escape(literal))
                if name is None:
                    continue
                if not name.isidentifier():
                    raise ValueError(name)
                parts.append(f"(?P={name})" if name in seen else f"(?P<{name}>.+?)")
                seen.add(name)
            _PATTERNS[template] = re.compile("".join(parts), re.DOTALL)
        except (ValueError, re.error):
            _PATTERNS[template] = None
    return _PATTERNS[template]


def render_refusal(code: str, reason: str) -> str:
    """HQ's refusal of an event in the UI's language. HQ sends a code and its reason in
    Chinese, worded by the code's template here; the reason is read back against that
    template for its parameters and the code rendered again in the language shown. A code
    this counter does not know, or a reason its template does not fit (another release of
    HQ worded it otherwise), is shown as HQ wrote it."""
    texts = MESSAGES.get(code)
    if texts is None or _language != "en":
        return reason  # Chinese: HQ's own words
    pattern = _pattern(texts[0])
    found = pattern.fullmatch(reason) if pattern is not None else None
    if found is None:
        return reason
    params: dict[str, Any] = found.groupdict()
    for _literal, name, spec, _conversion in _FORMATTER.parse(texts[0]):
        if name and spec == "label":  # the label HQ wrote back to its field's name
            zh = {labels[0]: key for key, labels in FIELD_LABELS.items()}
            params[name] = zh.get(params[name], params[name])
    return _render("en", code, params)
