<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
<context>
    <name>ApprovalBox</name>
    <message>
        <source>店长授权</source>
        <translation>Manager approval</translation>
    </message>
    <message>
        <source>店长工号</source>
        <translation>Manager&apos;s staff no.</translation>
    </message>
    <message>
        <source>店长密码</source>
        <translation>Manager&apos;s PIN</translation>
    </message>
    <message>
        <source>工号</source>
        <translation>Staff no.</translation>
    </message>
    <message>
        <source>密码</source>
        <translation>PIN</translation>
    </message>
    <message>
        <source>此操作需要店长输入工号和密码授权</source>
        <translation>A manager must approve this with staff number and PIN</translation>
    </message>
</context>
<context>
    <name>CardOpsDialog</name>
    <message>
        <source>会员卡操作</source>
        <translation>Card operations</translation>
    </message>
    <message>
        <source>正常</source>
        <translation>Active</translation>
    </message>
    <message>
        <source>已挂失</source>
        <translation>Reported lost</translation>
    </message>
    <message>
        <source>已冻结</source>
        <translation>Frozen</translation>
    </message>
    <message>
        <source>已换卡</source>
        <translation>Replaced</translation>
    </message>
    <message>
        <source>已注销</source>
        <translation>Cancelled</translation>
    </message>
    <message>
        <source>无卡</source>
        <translation>No card</translation>
    </message>
    <message>
        <source>{0} · 卡号 {1} · 状态:{2}</source>
        <translation>{0} · card {1} · status: {2}</translation>
    </message>
    <message>
        <source>挂失</source>
        <translation>Report lost</translation>
    </message>
    <message>
        <source>冻结</source>
        <translation>Freeze</translation>
    </message>
    <message>
        <source>解冻</source>
        <translation>Unfreeze</translation>
    </message>
    <message>
        <source>补卡 / 换卡</source>
        <translation>Replace card</translation>
    </message>
    <message>
        <source>注销会员</source>
        <translation>Cancel membership</translation>
    </message>
    <message>
        <source>刷新卡(不填则自动发电子卡)</source>
        <translation>Scan the new card (empty: issue an e-card)</translation>
    </message>
    <message>
        <source>新卡号</source>
        <translation>New card no.</translation>
    </message>
    <message>
        <source>收费/退款方式</source>
        <translation>Fee / refund by</translation>
    </message>
    <message>
        <source>挂失后此卡不能再使用,会员仍可凭手机号消费;补卡后恢复。</source>
        <translation>The card stops working; the member can still pay by phone number. A replacement card restores it.</translation>
    </message>
    <message>
        <source>冻结后不能储值消费、充值和使用积分,解冻后恢复。</source>
        <translation>No stored-value payments, top-ups or points until the card is unfrozen.</translation>
    </message>
    <message>
        <source>恢复此卡的全部功能。</source>
        <translation>The card works again in full.</translation>
    </message>
    <message>
        <source>发新卡,余额和积分转到新卡,旧卡作废。</source>
        <translation>Issue a new card; balances and points move to it and the old card stops working.</translation>
    </message>
    <message>
        <source>注销:退还储值本金 {0},作废赠送金额和积分,会员资格结束。需店长授权。</source>
        <translation>Cancel: pay back the principal {0}, void the bonus and points, end the membership. Needs a manager&apos;s approval.</translation>
    </message>
    <message>
        <source>请选择操作(按 1–5)</source>
        <translation>Choose an operation (press 1–5)</translation>
    </message>
    <message>
        <source>请选择要进行的卡操作</source>
        <translation>Choose a card operation</translation>
    </message>
</context>
<context>
    <name>CheckoutDialog</name>
    <message>
        <source>收银结账</source>
        <translation>Check out</translation>
    </message>
    <message>
        <source>{0} · {1} · 储值 {2} · 积分 {3}</source>
        <translation>{0} · {1} · stored value {2} · points {3}</translation>
    </message>
    <message>
        <source>消费金额(元)</source>
        <translation>Amount (yuan)</translation>
    </message>
    <message>
        <source>使用积分</source>
        <translation>Points to use</translation>
    </message>
    <message>
        <source>消费金额</source>
        <translation>Amount</translation>
    </message>
    <message>
        <source>会员折扣</source>
        <translation>Member discount</translation>
    </message>
    <message>
        <source>积分抵现</source>
        <translation>Points as cash</translation>
    </message>
    <message>
        <source>应付</source>
        <translation>Due</translation>
    </message>
    <message>
        <source>储值支付(元)</source>
        <translation>Stored value (yuan)</translation>
    </message>
    <message>
        <source>其余用</source>
        <translation>Rest by</translation>
    </message>
    <message>
        <source>收到的现金,不填即正好</source>
        <translation>Cash handed over (empty: exact)</translation>
    </message>
    <message>
        <source>实收现金(元)</source>
        <translation>Cash received (yuan)</translation>
    </message>
    <message>
        <source>会员输入 6 位支付密码</source>
        <translation>Member enters the 6-digit payment password</translation>
    </message>
    <message>
        <source>支付密码</source>
        <translation>Payment password</translation>
    </message>
    <message>
        <source>会员未设支付密码</source>
        <translation>No payment password set</translation>
    </message>
    <message>
        <source>正在读取会员信息…</source>
        <translation>Reading the member…</translation>
    </message>
    <message>
        <source>可用 {0} 分,本单最多 {1} 分({2} 分 = ¥1,最多抵应付的 {3}%)</source>
        <translation>{0} points usable, at most {1} on this bill ({2} points = ¥1, up to {3}% of the bill)</translation>
    </message>
    <message>
        <source>请输入消费金额</source>
        <translation>Enter the amount</translation>
    </message>
    <message>
        <source>储值余额 {0}</source>
        <translation>Stored value {0}</translation>
    </message>
    <message>
        <source>会员卡不可用,不能使用储值</source>
        <translation>The card is not active: stored value cannot be used</translation>
    </message>
    <message>
        <source>储值余额不足:余额 {0}</source>
        <translation>Not enough stored value: balance {0}</translation>
    </message>
    <message>
        <source>储值支付不能超过应付金额</source>
        <translation>Stored value cannot pay more than is due</translation>
    </message>
    <message>
        <source>实收现金不足:还差 {0}</source>
        <translation>Not enough cash: {0} short</translation>
    </message>
    <message>
        <source>请会员输入 6 位支付密码</source>
        <translation>The member must enter the 6-digit payment password</translation>
    </message>
    <message>
        <source>储值 {0}</source>
        <translation>stored value {0}</translation>
    </message>
    <message>
        <source>收款:</source>
        <translation>Paid: </translation>
    </message>
    <message>
        <source>积分全额抵扣</source>
        <translation>Paid in full with points</translation>
    </message>
    <message>
        <source>,找零 {0}</source>
        <translation>, change {0}</translation>
    </message>
    <message>
        <source>确认收款 {0} (Enter)</source>
        <translation>Take {0} (Enter)</translation>
    </message>
</context>
<context>
    <name>CounterScreen</name>
    <message>
        <source>刷卡 / 扫会员码 / 手机号或后 4 位 / 姓名或拼音首字母,按 Enter 查询</source>
        <translation>Card, member code, phone or last 4, name or initials, then Enter</translation>
    </message>
    <message>
        <source>中文输入</source>
        <translation>Chinese input</translation>
    </message>
    <message>
        <source>打开输入法以输入中文姓名(Ctrl+Space)</source>
        <translation>Turn the input method on to type a Chinese name (Ctrl+Space)</translation>
    </message>
    <message>
        <source>请刷会员卡或扫描会员码

也可输入手机号、手机后 4 位、姓名或拼音首字母

F1 登记新会员</source>
        <translation>Swipe the member&apos;s card or scan their member code

or type a phone number, its last 4 digits, a name or pinyin initials

F1 registers a new member</translation>
    </message>
    <message>
        <source>登记会员</source>
        <translation>Register</translation>
    </message>
    <message>
        <source>储值充值</source>
        <translation>Top up</translation>
    </message>
    <message>
        <source>收银结账</source>
        <translation>Check out</translation>
    </message>
    <message>
        <source>积分抵现</source>
        <translation>Points as cash</translation>
    </message>
    <message>
        <source>消费记录</source>
        <translation>History</translation>
    </message>
    <message>
        <source>卡操作</source>
        <translation>Card</translation>
    </message>
    <message>
        <source>退款</source>
        <translation>Refund</translation>
    </message>
    <message>
        <source>支付密码</source>
        <translation>Payment password</translation>
    </message>
    <message>
        <source>重打小票</source>
        <translation>Reprint</translation>
    </message>
    <message>
        <source>总部同步</source>
        <translation>HQ sync</translation>
    </message>
    <message>
        <source>清除</source>
        <translation>Clear</translation>
    </message>
    <message>
        <source>锁屏</source>
        <translation>Lock</translation>
    </message>
    <message>
        <source>设置</source>
        <translation>Settings</translation>
    </message>
    <message>
        <source>收银员:{0}({1})</source>
        <translation>Cashier: {0} ({1})</translation>
    </message>
    <message>
        <source>找到 {0} 位会员:用 ↑↓ 选择,按 Enter 打开</source>
        <translation>{0} members found: choose with ↑↓, open with Enter</translation>
    </message>
    <message>
        <source>没有找到会员:{0}</source>
        <translation>No member found: {0}</translation>
    </message>
    <message>
        <source>登记 {0} 为新会员 (F1)</source>
        <translation>Register {0} as a new member (F1)</translation>
    </message>
    <message>
        <source>登记新会员 (F1)</source>
        <translation>Register a new member (F1)</translation>
    </message>
    <message>
        <source>本店没有,正在总部查找…</source>
        <translation>Not at this store; asking HQ…</translation>
    </message>
    <message>
        <source>已送打印机</source>
        <translation>Sent to the printer</translation>
    </message>
    <message>
        <source>未设置打印机:小票显示在屏幕上,可按 F9 重打</source>
        <translation>No printer set up: the receipt is shown here; F9 prints it again</translation>
    </message>
    <message>
        <source>还没有可重打的小票</source>
        <translation>No receipt to reprint yet</translation>
    </message>
    <message>
        <source>已登记会员 {0},卡号 {1}</source>
        <translation>Registered {0}, card {1}</translation>
    </message>
    <message>
        <source>充值成功:实收 {0},赠送 {1},余额 {2}</source>
        <translation>Topped up: took {0}, bonus {1}, balance {2}</translation>
    </message>
    <message>
        <source>收款成功:应付 {0},得 {1} 积分,余额 {2}</source>
        <translation>Paid: {0} due, {1} points earned, balance {2}</translation>
    </message>
    <message>
        <source>,找零 {0}</source>
        <translation>, change {0}</translation>
    </message>
    <message>
        <source>,升级为 {0}</source>
        <translation>, upgraded to {0}</translation>
    </message>
    <message>
        <source>卡操作完成:卡号 {0}</source>
        <translation>Card operation done: card {0}</translation>
    </message>
    <message>
        <source>已保存会员 {0} 的支付密码</source>
        <translation>Payment password saved for {0}</translation>
    </message>
    <message>
        <source>没有可退款的交易</source>
        <translation>Nothing to refund</translation>
    </message>
    <message>
        <source>这笔交易已经退过款</source>
        <translation>This transaction has already been refunded</translation>
    </message>
    <message>
        <source>退款完成:退回 {0}</source>
        <translation>Refunded: {0} paid back</translation>
    </message>
</context>
<context>
    <name>FirstRunDialog</name>
    <message>
        <source>欢迎使用会员收银台</source>
        <translation>Welcome to Member Counter</translation>
    </message>
    <message>
        <source>这台收银机还没有门店数据</source>
        <translation>This counter has no store yet</translation>
    </message>
    <message>
        <source>先试用:建立一个演示门店,带演示员工和会员(密码会显示在登录页)。
正式使用:填写门店编码、名称和管理员密码,建立自己的门店。</source>
        <translation>To try it: create a demo store with demo staff and members (their PINs are shown when signing in).
For real use: enter your store&apos;s code, name and an admin PIN to create your own store.</translation>
    </message>
    <message>
        <source>建立演示门店并开始试用</source>
        <translation>Create the demo store and try it</translation>
    </message>
    <message>
        <source>如 SH001</source>
        <translation>e.g. SH001</translation>
    </message>
    <message>
        <source>如 上海南京路店</source>
        <translation>e.g. Shanghai Nanjing Road</translation>
    </message>
    <message>
        <source>门店编码</source>
        <translation>Store code</translation>
    </message>
    <message>
        <source>门店名称</source>
        <translation>Store name</translation>
    </message>
    <message>
        <source>管理员密码</source>
        <translation>Admin PIN</translation>
    </message>
    <message>
        <source>再输一次</source>
        <translation>Again</translation>
    </message>
    <message>
        <source>管理员工号为 admin。</source>
        <translation>The admin&apos;s staff number is admin.</translation>
    </message>
    <message>
        <source>建立我的门店</source>
        <translation>Create my store</translation>
    </message>
    <message>
        <source>建立自己的门店:请填写门店编码和名称</source>
        <translation>To create your own store, enter its code and name</translation>
    </message>
    <message>
        <source>管理员密码应为 4–8 位数字</source>
        <translation>The admin PIN is 4–8 digits</translation>
    </message>
    <message>
        <source>两次输入的密码不一致</source>
        <translation>The two PINs differ</translation>
    </message>
</context>
<context>
    <name>Keypad</name>
    <message>
        <source>清除</source>
        <translation>Clear</translation>
    </message>
    <message>
        <source>确定</source>
        <translation>OK</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>会员收银台</source>
        <translation>Member Counter</translation>
    </message>
    <message>
        <source>扫码未使用:请先完成或取消当前对话框</source>
        <translation>Scan not used: finish or cancel the open dialog first</translation>
    </message>
    <message>
        <source>扫描枪:{0} {1}</source>
        <translation>Scanner: {0} {1}</translation>
    </message>
    <message>
        <source>小票打印失败:{0}(可在设置中重试)</source>
        <translation>Receipt did not print: {0} (retry in Settings)</translation>
    </message>
    <message>
        <source>只有店长或管理员可以修改设置</source>
        <translation>Only a manager or an admin can change settings</translation>
    </message>
    <message>
        <source>设置已保存</source>
        <translation>Settings saved</translation>
    </message>
    <message>
        <source>收银员 {0}</source>
        <translation>Cashier {0}</translation>
    </message>
    <message>
        <source>未登录</source>
        <translation>Not signed in</translation>
    </message>
    <message>
        <source>营业日 {0}</source>
        <translation>Business date {0}</translation>
    </message>
    <message>
        <source>总部在线 · 待上传 {0} 条 · 上次同步 {1}</source>
        <translation>HQ online · {0} to upload · last sync {1}</translation>
    </message>
    <message>
        <source>总部离线,恢复后自动上传 · 待上传 {0} 条</source>
        <translation>HQ offline, uploads resume by themselves · {0} to upload</translation>
    </message>
    <message>
        <source>打印机:未设置(屏幕显示小票)</source>
        <translation>Printer: none (receipts on screen)</translation>
    </message>
    <message>
        <source>打印机:{0}</source>
        <translation>Printer: {0}</translation>
    </message>
    <message>
        <source>打印机:正常</source>
        <translation>Printer: ready</translation>
    </message>
    <message>
        <source>打印机:离线({0})</source>
        <translation>Printer: offline ({0})</translation>
    </message>
    <message>
        <source> · 待打印 {0} 张</source>
        <translation> · {0} waiting</translation>
    </message>
    <message>
        <source> · 失败 {0} 张</source>
        <translation> · {0} failed</translation>
    </message>
    <message>
        <source>未连接总部 · 待上传 {0} 条</source>
        <translation>Not connected to HQ · {0} to upload</translation>
    </message>
</context>
<context>
    <name>MemberPanel</name>
    <message>
        <source>储值余额</source>
        <translation>Stored value</translation>
    </message>
    <message>
        <source>积分</source>
        <translation>Points</translation>
    </message>
    <message>
        <source>累计消费</source>
        <translation>Total spent</translation>
    </message>
    <message>
        <source>消费</source>
        <translation>Purchases</translation>
    </message>
    <message>
        <source>充值</source>
        <translation>Top-ups</translation>
    </message>
    <message>
        <source>退款</source>
        <translation>Refund</translation>
    </message>
    <message>
        <source>等级</source>
        <translation>Tier</translation>
    </message>
    <message>
        <source>手机 {0}</source>
        <translation>Mobile {0}</translation>
    </message>
    <message>
        <source>卡号 {0}</source>
        <translation>Card {0}</translation>
    </message>
    <message>
        <source>无</source>
        <translation>none</translation>
    </message>
    <message>
        <source>本金 {0} · 赠送 {1}</source>
        <translation>principal {0} · bonus {1}</translation>
    </message>
    <message>
        <source>{0} 分将在 30 天内过期</source>
        <translation>{0} points expire within 30 days</translation>
    </message>
    <message>
        <source>会员已注销</source>
        <translation>Membership cancelled</translation>
    </message>
    <message>
        <source>此卡已挂失</source>
        <translation>This card is reported lost</translation>
    </message>
    <message>
        <source>此卡已冻结:不能储值消费和使用积分</source>
        <translation>This card is frozen: no stored value or points</translation>
    </message>
    <message>
        <source>此卡已换新卡</source>
        <translation>This card has been replaced</translation>
    </message>
    <message>
        <source>此卡已注销</source>
        <translation>This card is cancelled</translation>
    </message>
    <message>
        <source>没有会员卡</source>
        <translation>No membership card</translation>
    </message>
    <message>
        <source>本月生日 {0}</source>
        <translation>Birthday this month {0}</translation>
    </message>
    <message>
        <source>未设支付密码</source>
        <translation>No payment password</translation>
    </message>
    <message>
        <source>积分将过期</source>
        <translation>Points expiring</translation>
    </message>
</context>
<context>
    <name>OpDialog</name>
    <message>
        <source>确认 (Enter)</source>
        <translation>Confirm (Enter)</translation>
    </message>
    <message>
        <source>取消 (Esc)</source>
        <translation>Cancel (Esc)</translation>
    </message>
    <message>
        <source>正在处理…</source>
        <translation>Working…</translation>
    </message>
</context>
<context>
    <name>PaymentPasswordDialog</name>
    <message>
        <source>会员支付密码</source>
        <translation>Payment password</translation>
    </message>
    <message>
        <source>请会员本人在键盘上输入 6 位数字密码。储值消费时需要输入此密码。</source>
        <translation>The member types a 6-digit password themselves. It is asked for when paying with stored value.</translation>
    </message>
    <message>
        <source>修改密码(需原密码)</source>
        <translation>Change (needs the old one)</translation>
    </message>
    <message>
        <source>忘记密码重置(需店长授权)</source>
        <translation>Forgotten: reset (manager approval)</translation>
    </message>
    <message>
        <source>原支付密码</source>
        <translation>Old payment password</translation>
    </message>
    <message>
        <source>6 位数字</source>
        <translation>6 digits</translation>
    </message>
    <message>
        <source>再输一次</source>
        <translation>Again</translation>
    </message>
    <message>
        <source>原密码</source>
        <translation>Old password</translation>
    </message>
    <message>
        <source>新密码</source>
        <translation>New password</translation>
    </message>
    <message>
        <source>确认新密码</source>
        <translation>New password again</translation>
    </message>
    <message>
        <source>保存密码 (Enter)</source>
        <translation>Save password (Enter)</translation>
    </message>
    <message>
        <source>请输入 6 位原密码</source>
        <translation>Enter the 6-digit old password</translation>
    </message>
    <message>
        <source>新密码应为 6 位数字</source>
        <translation>The new password is 6 digits</translation>
    </message>
    <message>
        <source>两次输入的新密码不一致</source>
        <translation>The two new passwords differ</translation>
    </message>
</context>
<context>
    <name>ReceiptPane</name>
    <message>
        <source>小票</source>
        <translation>Receipt</translation>
    </message>
</context>
<context>
    <name>RefundDialog</name>
    <message>
        <source>退款</source>
        <translation>Refund</translation>
    </message>
    <message>
        <source>{0} {1} · {2} · {3}</source>
        <translation>{0} {1} · {2} · {3}</translation>
    </message>
    <message>
        <source>按原支付方式退回;消费所得积分扣回,抵现积分退回。充值退款需赠送金额仍在账上。</source>
        <translation>Money goes back the way it was paid; earned points are taken back and redeemed points returned. A top-up refund needs its bonus still on the account.</translation>
    </message>
    <message>
        <source>确认退款 (Enter)</source>
        <translation>Refund (Enter)</translation>
    </message>
</context>
<context>
    <name>RegisterDialog</name>
    <message>
        <source>登记会员</source>
        <translation>Register</translation>
    </message>
    <message>
        <source>11 位手机号</source>
        <translation>11-digit mobile number</translation>
    </message>
    <message>
        <source>会员姓名</source>
        <translation>Member&apos;s name</translation>
    </message>
    <message>
        <source>不填</source>
        <translation>Not given</translation>
    </message>
    <message>
        <source>男</source>
        <translation>Male</translation>
    </message>
    <message>
        <source>女</source>
        <translation>Female</translation>
    </message>
    <message>
        <source>YYYY-MM-DD(选填)</source>
        <translation>YYYY-MM-DD (optional)</translation>
    </message>
    <message>
        <source>刷实体卡(选填,不填则自动发电子卡)</source>
        <translation>Scan a physical card (optional; empty issues an e-card)</translation>
    </message>
    <message>
        <source>选填</source>
        <translation>Optional</translation>
    </message>
    <message>
        <source>推荐人手机号或卡号(选填)</source>
        <translation>Referrer&apos;s mobile or card (optional)</translation>
    </message>
    <message>
        <source>手机号 *</source>
        <translation>Mobile *</translation>
    </message>
    <message>
        <source>姓名 *</source>
        <translation>Name *</translation>
    </message>
    <message>
        <source>性别</source>
        <translation>Gender</translation>
    </message>
    <message>
        <source>生日</source>
        <translation>Birthday</translation>
    </message>
    <message>
        <source>会员卡</source>
        <translation>Card</translation>
    </message>
    <message>
        <source>邮箱</source>
        <translation>E-mail</translation>
    </message>
    <message>
        <source>地址</source>
        <translation>Address</translation>
    </message>
    <message>
        <source>推荐人</source>
        <translation>Referrer</translation>
    </message>
    <message>
        <source>会员已阅读并同意《会员服务协议》和《隐私政策》,同意门店保存其信息</source>
        <translation>The member has read and agrees to the membership terms and privacy policy, and lets the store keep their details</translation>
    </message>
    <message>
        <source>带 * 的为必填项。</source>
        <translation>Fields marked * are required.</translation>
    </message>
    <message>
        <source>打开已有会员</source>
        <translation>Open the existing member</translation>
    </message>
    <message>
        <source>登记 (Enter)</source>
        <translation>Register (Enter)</translation>
    </message>
    <message>
        <source>请输入手机号</source>
        <translation>Enter the mobile number</translation>
    </message>
    <message>
        <source>请输入姓名</source>
        <translation>Enter the name</translation>
    </message>
    <message>
        <source>请会员确认同意隐私政策后再登记</source>
        <translation>The member must agree to the privacy policy first</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>设置</source>
        <translation>Settings</translation>
    </message>
    <message>
        <source>门店</source>
        <translation>Store</translation>
    </message>
    <message>
        <source>门店名称</source>
        <translation>Store name</translation>
    </message>
    <message>
        <source>语言和锁屏只对这台收银机有效,下次启动仍然有效。</source>
        <translation>Language and idle lock apply to this counter only, and still apply after a restart.</translation>
    </message>
    <message>
        <source>使用小票打印机</source>
        <translation>Use a receipt printer</translation>
    </message>
    <message>
        <source>打印机地址</source>
        <translation>Printer address</translation>
    </message>
    <message>
        <source>中文编码</source>
        <translation>Chinese encoding</translation>
    </message>
    <message>
        <source>{0} 毫米</source>
        <translation>{0} mm</translation>
    </message>
    <message>
        <source>纸宽</source>
        <translation>Paper width</translation>
    </message>
    <message>
        <source>型号配置</source>
        <translation>Printer profile</translation>
    </message>
    <message>
        <source>打印后切纸</source>
        <translation>Cut after printing</translation>
    </message>
    <message>
        <source>现金收款时弹开钱箱</source>
        <translation>Open the cash drawer for cash</translation>
    </message>
    <message>
        <source>打印前检查缺纸</source>
        <translation>Check for paper before printing</translation>
    </message>
    <message>
        <source>打印测试页</source>
        <translation>Print a test page</translation>
    </message>
    <message>
        <source>重打失败的小票</source>
        <translation>Retry failed receipts</translation>
    </message>
    <message>
        <source>打印机</source>
        <translation>Printer</translation>
    </message>
    <message>
        <source>无(只用键盘口扫描枪)</source>
        <translation>None (keyboard scanners only)</translation>
    </message>
    <message>
        <source>串口扫描枪</source>
        <translation>Serial scanner</translation>
    </message>
    <message>
        <source>波特率</source>
        <translation>Baud rate</translation>
    </message>
    <message>
        <source>扫码按键最大间隔</source>
        <translation>Longest gap between scanned keys</translation>
    </message>
    <message>
        <source>最短扫码长度</source>
        <translation>Shortest scan</translation>
    </message>
    <message>
        <source>前缀</source>
        <translation>Prefix</translation>
    </message>
    <message>
        <source>后缀</source>
        <translation>Suffix</translation>
    </message>
    <message>
        <source>使用顾客显示屏(客显)</source>
        <translation>Use a customer display</translation>
    </message>
    <message>
        <source>客显串口</source>
        <translation>Display port</translation>
    </message>
    <message>
        <source>客显波特率</source>
        <translation>Display baud rate</translation>
    </message>
    <message>
        <source>扫描枪和客显</source>
        <translation>Scanners and display</translation>
    </message>
    <message>
        <source>小票抬头(每行一条)</source>
        <translation>Receipt header (one line each)</translation>
    </message>
    <message>
        <source>小票结尾(每行一条)</source>
        <translation>Receipt footer (one line each)</translation>
    </message>
    <message>
        <source>如 1 号收银台</source>
        <translation>e.g. Counter 1</translation>
    </message>
    <message>
        <source>收银台名称</source>
        <translation>Counter name</translation>
    </message>
    <message>
        <source>打印店标(打印机内存中的图片或下面的图片文件)</source>
        <translation>Print the logo (stored in the printer, or the image file below)</translation>
    </message>
    <message>
        <source>店标图片</source>
        <translation>Logo image</translation>
    </message>
    <message>
        <source>小票内容</source>
        <translation>Receipt text</translation>
    </message>
    <message>
        <source>门店编码</source>
        <translation>Store code</translation>
    </message>
    <message>
        <source>时区</source>
        <translation>Time zone</translation>
    </message>
    <message>
        <source>本机编号</source>
        <translation>Device id</translation>
    </message>
    <message>
        <source>有 {0} 张小票打印失败</source>
        <translation>{0} receipts failed to print</translation>
    </message>
    <message>
        <source>正在读取设置…</source>
        <translation>Reading the settings…</translation>
    </message>
    <message>
        <source>请填写打印机地址</source>
        <translation>Enter the printer&apos;s address</translation>
    </message>
    <message>
        <source>此版本没有打印机驱动</source>
        <translation>This build has no printer driver</translation>
    </message>
    <message>
        <source>正在打印测试页…</source>
        <translation>Printing a test page…</translation>
    </message>
    <message>
        <source>测试页已送出:请选择能正确打印中文的那种编码</source>
        <translation>Test page sent: choose the encoding whose Chinese line prints correctly</translation>
    </message>
    <message>
        <source>已重新排队 {0} 张小票</source>
        <translation>{0} receipts queued again</translation>
    </message>
    <message>
        <source>本机</source>
        <translation>This counter</translation>
    </message>
    <message>
        <source>界面语言 / Language</source>
        <translation>界面语言 / Language</translation>
    </message>
    <message>
        <source> 分钟</source>
        <translation> min</translation>
    </message>
    <message>
        <source>不自动锁屏</source>
        <translation>Never</translation>
    </message>
    <message>
        <source>无操作自动锁屏</source>
        <translation>Lock when idle for</translation>
    </message>
    <message>
        <source>保存 (Enter)</source>
        <translation>Save (Enter)</translation>
    </message>
</context>
<context>
    <name>SignInScreen</name>
    <message>
        <source>会员收银台</source>
        <translation>Member Counter</translation>
    </message>
    <message>
        <source>工号</source>
        <translation>Staff no.</translation>
    </message>
    <message>
        <source>4–8 位数字</source>
        <translation>4–8 digits</translation>
    </message>
    <message>
        <source>密码</source>
        <translation>PIN</translation>
    </message>
    <message>
        <source>登录 (Enter)</source>
        <translation>Sign in (Enter)</translation>
    </message>
    <message>
        <source>演示门店账号:</source>
        <translation>Demo store sign-ins: </translation>
    </message>
    <message>
        <source>已锁定:{0}({1})输入密码解锁,或换工号登录</source>
        <translation>Locked: {0} ({1}) enters the PIN to unlock, or another staff member signs in</translation>
    </message>
    <message>
        <source>请输入工号</source>
        <translation>Enter the staff number</translation>
    </message>
    <message>
        <source>请输入密码</source>
        <translation>Enter the PIN</translation>
    </message>
</context>
<context>
    <name>SyncDialog</name>
    <message>
        <source>总部同步</source>
        <translation>HQ sync</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>State</translation>
    </message>
    <message>
        <source>总部地址</source>
        <translation>HQ address</translation>
    </message>
    <message>
        <source>待上传</source>
        <translation>To upload</translation>
    </message>
    <message>
        <source>上次成功</source>
        <translation>Last success</translation>
    </message>
    <message>
        <source>上次错误</source>
        <translation>Last error</translation>
    </message>
    <message>
        <source>已下载到</source>
        <translation>Pulled up to</translation>
    </message>
    <message>
        <source>立即同步</source>
        <translation>Sync now</translation>
    </message>
    <message>
        <source>注册到总部(店长)</source>
        <translation>Enroll with HQ (manager)</translation>
    </message>
    <message>
        <source>总部 member-hq store add 给出的注册码</source>
        <translation>The code from member-hq store add at HQ</translation>
    </message>
    <message>
        <source>私有 CA 证书文件(选填)</source>
        <translation>Private CA certificate file (optional)</translation>
    </message>
    <message>
        <source>注册码</source>
        <translation>Enrollment code</translation>
    </message>
    <message>
        <source>CA 证书</source>
        <translation>CA certificate</translation>
    </message>
    <message>
        <source>收银不依赖网络:断网时照常营业,恢复后自动补传,不会重复记账。</source>
        <translation>The counter does not need the network: it keeps working offline and uploads afterwards, never counting anything twice.</translation>
    </message>
    <message>
        <source>注册 (Enter)</source>
        <translation>Enroll (Enter)</translation>
    </message>
    <message>
        <source>关闭 (Esc)</source>
        <translation>Close (Esc)</translation>
    </message>
    <message>
        <source>未注册到总部(单店使用)</source>
        <translation>Not enrolled with HQ (single store)</translation>
    </message>
    <message>
        <source>在线</source>
        <translation>Online</translation>
    </message>
    <message>
        <source>离线:断网期间的业务会在恢复后上传</source>
        <translation>Offline: what is done meanwhile uploads when the network is back</translation>
    </message>
    <message>
        <source>{0} 条</source>
        <translation>{0}</translation>
    </message>
    <message>
        <source>正在同步…</source>
        <translation>Syncing…</translation>
    </message>
    <message>
        <source>请填写总部地址(https://…)</source>
        <translation>Enter HQ&apos;s address (https://…)</translation>
    </message>
    <message>
        <source>请填写注册码</source>
        <translation>Enter the enrollment code</translation>
    </message>
</context>
<context>
    <name>TopUpDialog</name>
    <message>
        <source>储值充值</source>
        <translation>Top up</translation>
    </message>
    <message>
        <source>{0} · {1} · 当前余额 {2}</source>
        <translation>{0} · {1} · balance {2}</translation>
    </message>
    <message>
        <source>充值金额(元)</source>
        <translation>Amount (yuan)</translation>
    </message>
    <message>
        <source>支付方式</source>
        <translation>Paid by</translation>
    </message>
    <message>
        <source>确认充值 (Enter)</source>
        <translation>Top up (Enter)</translation>
    </message>
    <message>
        <source>正在读取充值规则…</source>
        <translation>Reading the top-up rules…</translation>
    </message>
    <message>
        <source>请选择或输入充值金额</source>
        <translation>Choose or enter an amount</translation>
    </message>
    <message>
        <source>单次充值不能超过 {0}</source>
        <translation>One top-up cannot exceed {0}</translation>
    </message>
    <message>
        <source>实收 {0} · 赠送 {1}</source>
        <translation>Take {0} · bonus {1}</translation>
    </message>
    <message>
        <source>到账 {0},充值后余额 {1}</source>
        <translation>{0} credited, balance after {1}</translation>
    </message>
</context>
<context>
    <name>errors</name>
    <message>
        <source>数据库正忙,请稍后重试。没有任何改动。</source>
        <translation>The database is busy; try again. Nothing was changed.</translation>
    </message>
    <message>
        <source>磁盘或文件出错:{0}。没有任何改动,详情见日志。</source>
        <translation>Disk or file error: {0}. Nothing was changed; details in the log.</translation>
    </message>
    <message>
        <source>操作没有完成({0})。没有任何改动,详情见日志。</source>
        <translation>The operation did not complete ({0}). Nothing was changed; details in the log.</translation>
    </message>
</context>
<context>
    <name>history</name>
    <message>
        <source>开卡</source>
        <translation>Registered</translation>
    </message>
    <message>
        <source>充值</source>
        <translation>Top-ups</translation>
    </message>
    <message>
        <source>充值退款</source>
        <translation>Top-up refund</translation>
    </message>
    <message>
        <source>余额调整</source>
        <translation>Balance adjustment</translation>
    </message>
    <message>
        <source>消费</source>
        <translation>Purchases</translation>
    </message>
    <message>
        <source>消费退款</source>
        <translation>Purchase refund</translation>
    </message>
    <message>
        <source>挂失</source>
        <translation>Report lost</translation>
    </message>
    <message>
        <source>冻结</source>
        <translation>Freeze</translation>
    </message>
    <message>
        <source>解冻</source>
        <translation>Unfreeze</translation>
    </message>
    <message>
        <source>补卡</source>
        <translation>Card replaced</translation>
    </message>
    <message>
        <source>注销</source>
        <translation>Cancelled</translation>
    </message>
    <message>
        <source>调整等级</source>
        <translation>Tier changed</translation>
    </message>
    <message>
        <source>积分过期</source>
        <translation>Points expired</translation>
    </message>
    <message>
        <source>积分调整</source>
        <translation>Points adjusted</translation>
    </message>
    <message>
        <source>储值</source>
        <translation>Stored value</translation>
    </message>
    <message>
        <source>现金</source>
        <translation>Cash</translation>
    </message>
    <message>
        <source>微信</source>
        <translation>WeChat</translation>
    </message>
    <message>
        <source>支付宝</source>
        <translation>Alipay</translation>
    </message>
    <message>
        <source>银行卡</source>
        <translation>Bank card</translation>
    </message>
    <message>
        <source>消费得积分</source>
        <translation>Earned</translation>
    </message>
    <message>
        <source>积分抵现</source>
        <translation>Points as cash</translation>
    </message>
    <message>
        <source>过期</source>
        <translation>Expired</translation>
    </message>
    <message>
        <source>调整</source>
        <translation>Adjusted</translation>
    </message>
    <message>
        <source>退款扣回</source>
        <translation>Taken back (refund)</translation>
    </message>
    <message>
        <source>退款退回</source>
        <translation>Returned (refund)</translation>
    </message>
    <message>
        <source>注销作废</source>
        <translation>Voided (cancelled)</translation>
    </message>
    <message>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>类型</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>金额</source>
        <translation>Amount</translation>
    </message>
    <message>
        <source>赠送</source>
        <translation>Bonus</translation>
    </message>
    <message>
        <source>支付方式</source>
        <translation>Paid by</translation>
    </message>
    <message>
        <source>收银员</source>
        <translation>Cashier</translation>
    </message>
    <message>
        <source>(已退)</source>
        <translation> (refunded)</translation>
    </message>
    <message>
        <source>消费金额</source>
        <translation>Amount</translation>
    </message>
    <message>
        <source>会员折扣</source>
        <translation>Member discount</translation>
    </message>
    <message>
        <source>实付</source>
        <translation>Paid</translation>
    </message>
    <message>
        <source>得积分</source>
        <translation>Points</translation>
    </message>
    <message>
        <source>退回</source>
        <translation>Paid back</translation>
    </message>
    <message>
        <source>原交易</source>
        <translation>Original</translation>
    </message>
    <message>
        <source>积分</source>
        <translation>Points</translation>
    </message>
    <message>
        <source>原等级</source>
        <translation>From</translation>
    </message>
    <message>
        <source>新等级</source>
        <translation>To</translation>
    </message>
    <message>
        <source>原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <source>操作员</source>
        <translation>Staff</translation>
    </message>
    <message>
        <source>消费升级</source>
        <translation>Upgrade by spending</translation>
    </message>
    <message>
        <source>人工调整</source>
        <translation>Manual</translation>
    </message>
    <message>
        <source>退款回退</source>
        <translation>Undone by refund</translation>
    </message>
</context>
</TS>
