<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
<context>
    <name>AboutDialog</name>
    <message>
        <source>关于会员收银台</source>
        <translation>About Member Counter</translation>
    </message>
    <message>
        <source>会员收银台 {0}</source>
        <translation>Member Counter {0}</translation>
    </message>
    <message>
        <source>版本</source>
        <translation>Version</translation>
    </message>
    <message>
        <source>数据目录</source>
        <translation>Data folder</translation>
    </message>
    <message>
        <source>运行环境</source>
        <translation>Runtime</translation>
    </message>
    <message>
        <source>系统</source>
        <translation>System</translation>
    </message>
    <message>
        <source>关闭 (Esc)</source>
        <translation>Close (Esc)</translation>
    </message>
</context>
<context>
    <name>AmountRefundDialog</name>
    <message>
        <source>退款</source>
        <translation>Refund</translation>
    </message>
    <message>
        <source>{0} 的散客销售 · 实付 {1}</source>
        <translation>Walk-in sale of {0} · paid {1}</translation>
    </message>
    <message>
        <source>、</source>
        <translation>, </translation>
    </message>
    <message>
        <source>{0} {1}</source>
        <translation>{0} {1}</translation>
    </message>
    <message>
        <source>整单退款,按原支付方式退回:{0}</source>
        <translation>The whole sale is refunded, back as it was paid: {0}</translation>
    </message>
    <message>
        <source>退款原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <source>确认退款 (Enter)</source>
        <translation>Refund (Enter)</translation>
    </message>
    <message>
        <source>这笔销售已经退过款</source>
        <translation>This sale has been refunded already</translation>
    </message>
    <message>
        <source>请选择退款原因</source>
        <translation>Choose a reason</translation>
    </message>
</context>
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
    <name>AuditDialog</name>
    <message>
        <source>审计日志</source>
        <translation>Audit log</translation>
    </message>
    <message>
        <source>工号</source>
        <translation>Staff no.</translation>
    </message>
    <message>
        <source>全部</source>
        <translation>All</translation>
    </message>
    <message>
        <source>从</source>
        <translation>From</translation>
    </message>
    <message>
        <source>到</source>
        <translation>To</translation>
    </message>
    <message>
        <source>操作员</source>
        <translation>Staff</translation>
    </message>
    <message>
        <source>操作</source>
        <translation>Action</translation>
    </message>
    <message>
        <source>对象</source>
        <translation>Entity</translation>
    </message>
    <message>
        <source>查询 (Enter)</source>
        <translation>Search (Enter)</translation>
    </message>
    <message>
        <source>关闭 (Esc)</source>
        <translation>Close (Esc)</translation>
    </message>
    <message>
        <source>正在查询…</source>
        <translation>Searching…</translation>
    </message>
    <message>
        <source>共 {0} 条,显示最新 {1} 条</source>
        <translation>{0} entries, showing the newest {1}</translation>
    </message>
    <message>
        <source>审计哈希链完整 ✓</source>
        <translation>Audit hash chain intact ✓</translation>
    </message>
    <message>
        <source>⚠ 审计日志被篡改或损坏:哈希链在第 {0} 条断开!请立即联系总部。</source>
        <translation>⚠ The audit log has been tampered with or damaged: the hash chain breaks at entry {0}! Contact HQ now.</translation>
    </message>
    <message>
        <source>账目不一致:{0}</source>
        <translation>Ledger mismatches: {0}</translation>
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
        <source>工本费 {0},按下面的方式收取。</source>
        <translation>Card fee {0}, taken by the method below.</translation>
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
    <name>CartDialog</name>
    <message>
        <source>收银 · 购物车</source>
        <translation>Sale · Cart</translation>
    </message>
    <message>
        <source>扫条码 / 输入编码、名称或拼音首字母;刷会员卡关联会员</source>
        <translation>Scan a barcode / type a code, name or initials; a member&apos;s card attaches the member</translation>
    </message>
    <message>
        <source>#</source>
        <translation>#</translation>
    </message>
    <message>
        <source>商品</source>
        <translation>Item</translation>
    </message>
    <message>
        <source>数量</source>
        <translation>Qty</translation>
    </message>
    <message>
        <source>单价</source>
        <translation>Unit price</translation>
    </message>
    <message>
        <source>优惠</source>
        <translation>Off</translation>
    </message>
    <message>
        <source>小计</source>
        <translation>Amount</translation>
    </message>
    <message>
        <source>原价合计</source>
        <translation>List total</translation>
    </message>
    <message>
        <source>会员优惠</source>
        <translation>Member prices</translation>
    </message>
    <message>
        <source>改价</source>
        <translation>Price change</translation>
    </message>
    <message>
        <source>优惠券</source>
        <translation>Coupons</translation>
    </message>
    <message>
        <source>整单折扣</source>
        <translation>Order discount</translation>
    </message>
    <message>
        <source>抹零</source>
        <translation>Round-off</translation>
    </message>
    <message>
        <source>应付</source>
        <translation>Due</translation>
    </message>
    <message>
        <source>挂单</source>
        <translation>Hold</translation>
    </message>
    <message>
        <source>取单</source>
        <translation>Recall</translation>
    </message>
    <message>
        <source>散客</source>
        <translation>Walk-in</translation>
    </message>
    <message>
        <source>删除行</source>
        <translation>Delete line</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>收款</source>
        <translation>Pay</translation>
    </message>
    <message>
        <source>找到 {0} 位会员:请刷会员卡或输入完整手机号</source>
        <translation>{0} members found: swipe the card or type the full phone number</translation>
    </message>
    <message>
        <source>找到 {0} 个商品:用 ↑↓ 选择,按 Enter 加入</source>
        <translation>{0} items found: choose with ↑↓, add with Enter</translation>
    </message>
    <message>
        <source>没有找到商品或会员:{0}</source>
        <translation>No item or member found: {0}</translation>
    </message>
    <message>
        <source>{0} × {1}</source>
        <translation>{0} × {1}</translation>
    </message>
    <message>
        <source>已加入:{0}</source>
        <translation>Added: {0}</translation>
    </message>
    <message>
        <source>会员 {0} 的状态不能消费</source>
        <translation>Member {0} cannot buy in this state</translation>
    </message>
    <message>
        <source>已关联会员 {0}:按会员价和等级折扣计价</source>
        <translation>Member {0} attached: member prices and tier discount apply</translation>
    </message>
    <message>
        <source>已改为散客</source>
        <translation>Now a walk-in sale</translation>
    </message>
    <message>
        <source>会员:{0} · {1} · 储值 {2} · 积分 {3}</source>
        <translation>Member: {0} · {1} · balance {2} · points {3}</translation>
    </message>
    <message>
        <source>散客(未关联会员):刷会员卡可关联</source>
        <translation>Walk-in (no member): swipe a card to attach one</translation>
    </message>
    <message>
        <source>请先扫描商品</source>
        <translation>Scan an item first</translation>
    </message>
    <message>
        <source>数量要在 1 到 {0} 之间</source>
        <translation>The quantity must be from 1 to {0}</translation>
    </message>
    <message>
        <source>数量不能小于 1:要删除这一行请按 Delete</source>
        <translation>The quantity cannot go below 1: Delete removes the line</translation>
    </message>
    <message>
        <source>已删除:{0}</source>
        <translation>Deleted: {0}</translation>
    </message>
    <message>
        <source>不抹零</source>
        <translation>No round-off</translation>
    </message>
    <message>
        <source>抹零:抹去分</source>
        <translation>Round-off: the fen dropped</translation>
    </message>
    <message>
        <source>抹零:抹去角和分</source>
        <translation>Round-off: jiao and fen dropped</translation>
    </message>
    <message>
        <source>;折扣超出你的权限:收款时需要店长授权</source>
        <translation>; beyond your limits: a manager approves when paying</translation>
    </message>
    <message>
        <source>已选 {0} 张券,共减 {1}</source>
        <translation>{0} coupons chosen, {1} off in all</translation>
    </message>
    <message>
        <source>未使用优惠券</source>
        <translation>No coupon used</translation>
    </message>
    <message>
        <source>(改价)</source>
        <translation> (price changed)</translation>
    </message>
    <message>
        <source>({0} 张)</source>
        <translation> ({0})</translation>
    </message>
    <message>
        <source>(到角)</source>
        <translation> (to the jiao)</translation>
    </message>
    <message>
        <source>(到元)</source>
        <translation> (to the yuan)</translation>
    </message>
    <message>
        <source>F3  收款 {0}({1} 件)</source>
        <translation>F3  Pay {0} ({1} pcs)</translation>
    </message>
    <message>
        <source>F3  收款</source>
        <translation>F3  Pay</translation>
    </message>
    <message>
        <source>F9  优惠券({0})</source>
        <translation>F9  Coupons ({0})</translation>
    </message>
    <message>
        <source>F9  优惠券</source>
        <translation>F9  Coupons</translation>
    </message>
    <message>
        <source>折扣超出你的权限:收款时需要店长授权</source>
        <translation>Beyond your limits: a manager approves when paying</translation>
    </message>
    <message>
        <source>({0} 折)</source>
        <translation> ({0}/10 of the price)</translation>
    </message>
    <message>
        <source>扫描商品开始收银

* 数量  + / − 加减一件
Delete 删除行  ↑↓ 选择行
空白处按 Enter 收款</source>
        <translation>Scan goods to start the sale

* quantity  + / − one more or less
Delete removes a line  ↑↓ choose a line
Enter on an empty box pays</translation>
    </message>
    <message>
        <source>购物车是空的,没有可挂的单</source>
        <translation>The cart is empty: nothing to hold</translation>
    </message>
    <message>
        <source>已挂单:第 {0} 号,{1} 行,{2}。按 F7 取单</source>
        <translation>Held as No. {0}: {1} lines, {2}. F7 recalls it</translation>
    </message>
    <message>
        <source>请先收款、挂单或清空当前购物车,再取单</source>
        <translation>Pay, hold or clear the open cart before recalling one</translation>
    </message>
    <message>
        <source>已取单:第 {0} 号</source>
        <translation>Recalled No. {0}</translation>
    </message>
    <message>
        <source>取消这一单</source>
        <translation>Cancel this sale</translation>
    </message>
    <message>
        <source>购物车里还有 {0} 行商品。放弃这一单吗?(要留着稍后结账请按 F6 挂单)</source>
        <translation>The cart has {0} lines. Drop this sale? (F6 holds it to pay later)</translation>
    </message>
    <message>
        <source>放弃这一单 (Enter)</source>
        <translation>Drop the sale (Enter)</translation>
    </message>
    <message>
        <source>继续收银 (Esc)</source>
        <translation>Keep selling (Esc)</translation>
    </message>
</context>
<context>
    <name>CartPayDialog</name>
    <message>
        <source>收款</source>
        <translation>Pay</translation>
    </message>
    <message>
        <source>{0} · {1} · 储值 {2} · 积分 {3}</source>
        <translation>{0} · {1} · balance {2} · points {3}</translation>
    </message>
    <message>
        <source>散客:现金、微信、支付宝或银行卡</source>
        <translation>Walk-in: cash, WeChat, Alipay or bank card</translation>
    </message>
    <message>
        <source>{0} 行 {1} 件,折后</source>
        <translation>{0} lines, {1} pcs, after discounts</translation>
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
        <source>使用积分</source>
        <translation>Points to use</translation>
    </message>
    <message>
        <source>本单的改价、折扣或抹零超出你的权限,请店长授权</source>
        <translation>This sale&apos;s price changes, discount or round-off are beyond your limits: a manager approves</translation>
    </message>
    <message>
        <source>正在读取会员信息…</source>
        <translation>Reading the member…</translation>
    </message>
    <message>
        <source>可用 {0} 分,本单最多 {1} 分</source>
        <translation>{0} points usable, at most {1} on this sale</translation>
    </message>
    <message>
        <source>购物车是空的</source>
        <translation>The cart is empty</translation>
    </message>
    <message>
        <source>−{0}({1} 分)</source>
        <translation>−{0} ({1} points)</translation>
    </message>
    <message>
        <source>确认收款 {0} (Enter)</source>
        <translation>Take {0} (Enter)</translation>
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
        <source>−{0}({1} {2}%)</source>
        <translation>−{0} ({1} {2}%)</translation>
    </message>
    <message>
        <source>−{0}({1} 分)</source>
        <translation>−{0} ({1} points)</translation>
    </message>
    <message>
        <source>确认收款 {0} (Enter)</source>
        <translation>Take {0} (Enter)</translation>
    </message>
</context>
<context>
    <name>ConsentDialog</name>
    <message>
        <source>营销同意</source>
        <translation>Marketing consent</translation>
    </message>
    <message>
        <source>{0} 的营销同意</source>
        <translation>{0}&apos;s marketing consent</translation>
    </message>
    <message>
        <source>正在读取同意记录…</source>
        <translation>Reading the consent record…</translation>
    </message>
    <message>
        <source>短信</source>
        <translation>SMS</translation>
    </message>
    <message>
        <source>微信</source>
        <translation>WeChat</translation>
    </message>
    <message>
        <source>邮件</source>
        <translation>Email</translation>
    </message>
    <message>
        <source>已同意</source>
        <translation>agreed</translation>
    </message>
    <message>
        <source>已撤回</source>
        <translation>withdrawn</translation>
    </message>
    <message>
        <source>未同意</source>
        <translation>not agreed</translation>
    </message>
    <message>
        <source>请向会员宣读以下文本;按数字键选择渠道,按 Enter 记录</source>
        <translation>Read the text below to the member; a number key chooses the channel, Enter records it</translation>
    </message>
    <message>
        <source>同意文本版本 {0}</source>
        <translation>Consent wording {0}</translation>
    </message>
    <message>
        <source>撤回同意 (Enter)</source>
        <translation>Withdraw consent (Enter)</translation>
    </message>
    <message>
        <source>会员已同意 (Enter)</source>
        <translation>Member agrees (Enter)</translation>
    </message>
    <message>
        <source>没有记录同意的权限</source>
        <translation>You may not record consent</translation>
    </message>
    <message>
        <source>请选择渠道</source>
        <translation>Choose a channel</translation>
    </message>
</context>
<context>
    <name>CountCardDialog</name>
    <message>
        <source>次卡</source>
        <translation>Count card</translation>
    </message>
    <message>
        <source>{0} · {1} · 储值 {2}</source>
        <translation>{0} · {1} · stored value {2}</translation>
    </message>
    <message>
        <source>核销</source>
        <translation>Use</translation>
    </message>
    <message>
        <source>售卡</source>
        <translation>Sell</translation>
    </message>
    <message>
        <source>退卡</source>
        <translation>Refund</translation>
    </message>
    <message>
        <source>转让</source>
        <translation>Transfer</translation>
    </message>
    <message>
        <source>会员输入 6 位支付密码</source>
        <translation>Member enters the 6-digit payment password</translation>
    </message>
    <message>
        <source>项目 · 次数</source>
        <translation>Items · times</translation>
    </message>
    <message>
        <source>支付密码</source>
        <translation>Payment password</translation>
    </message>
    <message>
        <source>次卡产品</source>
        <translation>Count-card product</translation>
    </message>
    <message>
        <source>售价</source>
        <translation>Price</translation>
    </message>
    <message>
        <source>退回</source>
        <translation>Paid back</translation>
    </message>
    <message>
        <source>退款方式</source>
        <translation>Refund by</translation>
    </message>
    <message>
        <source>受让会员的手机号、卡号或会员码,按 Enter 查找</source>
        <translation>Receiver&apos;s phone, card or member code; Enter finds them</translation>
    </message>
    <message>
        <source>转给</source>
        <translation>To</translation>
    </message>
    <message>
        <source>转给:{0} · {1} · {2}</source>
        <translation>To: {0} · {1} · {2}</translation>
    </message>
    <message>
        <source>不能转给会员本人</source>
        <translation>A card cannot be given to its own holder</translation>
    </message>
    <message>
        <source>受让会员已注销,不能转给他</source>
        <translation>The receiver is cancelled: a card cannot go to them</translation>
    </message>
    <message>
        <source>{0} · {1}</source>
        <translation>{0} · {1}</translation>
    </message>
    <message>
        <source>{0} {1} 次</source>
        <translation>{0} ×{1}</translation>
    </message>
    <message>
        <source>{0}:{1}(至 {2})</source>
        <translation>{0}: {1} (until {2})</translation>
    </message>
    <message>
        <source>确认核销 (Enter)</source>
        <translation>Use the card (Enter)</translation>
    </message>
    <message>
        <source>确认售卡 (Enter)</source>
        <translation>Sell the card (Enter)</translation>
    </message>
    <message>
        <source>确认退卡 (Enter)</source>
        <translation>Refund the card (Enter)</translation>
    </message>
    <message>
        <source>确认转让 (Enter)</source>
        <translation>Transfer (Enter)</translation>
    </message>
    <message>
        <source>{0}(剩 {1} 次)</source>
        <translation>{0} ({1} left)</translation>
    </message>
    <message>
        <source> 送 {0} 次</source>
        <translation> + {0} free</translation>
    </message>
    <message>
        <source>购买之日起 {0} 天有效</source>
        <translation>valid {0} days from the day of sale</translation>
    </message>
    <message>
        <source>有效期至 {0}</source>
        <translation>valid until {0}</translation>
    </message>
    <message>
        <source>{0};{1}</source>
        <translation>{0}; {1}</translation>
    </message>
    <message>
        <source>正在读取会员的次卡…</source>
        <translation>Reading the member&apos;s count cards…</translation>
    </message>
    <message>
        <source>会员没有可用的次卡:按 2 售卡</source>
        <translation>The member has no usable count card: press 2 to sell one</translation>
    </message>
    <message>
        <source>此卡没有剩余次数</source>
        <translation>This card has no times left</translation>
    </message>
    <message>
        <source>请输入使用次数</source>
        <translation>Enter the number of times</translation>
    </message>
    <message>
        <source>次数不足:{0} 剩 {1} 次</source>
        <translation>Not enough times: {0} has {1} left</translation>
    </message>
    <message>
        <source>、</source>
        <translation>, </translation>
    </message>
    <message>
        <source> · </source>
        <translation> · </translation>
    </message>
    <message>
        <source>核销 {0},剩 {1}</source>
        <translation>Redeem {0}; left: {1}</translation>
    </message>
    <message>
        <source>请会员输入 6 位支付密码</source>
        <translation>The member must enter the 6-digit payment password</translation>
    </message>
    <message>
        <source>正在读取次卡产品…</source>
        <translation>Reading the count-card products…</translation>
    </message>
    <message>
        <source>本店没有可售的次卡产品</source>
        <translation>This store has no count-card product to sell</translation>
    </message>
    <message>
        <source>确认售卡 {0} (Enter)</source>
        <translation>Sell for {0} (Enter)</translation>
    </message>
    <message>
        <source>会员没有可退的次卡</source>
        <translation>The member has no count card to refund</translation>
    </message>
    <message>
        <source>实付 {0},已核销 {1};退回差额,剩余次数(含赠送次数)作废。需店长授权。</source>
        <translation>Paid {0}, used {1}; the difference is paid back and the times left (free ones too) end. A manager approves.</translation>
    </message>
    <message>
        <source>会员没有可转让的次卡</source>
        <translation>The member holds no card to transfer</translation>
    </message>
    <message>
        <source>此卡不可转让:{0}</source>
        <translation>This card cannot be transferred: {0}</translation>
    </message>
    <message>
        <source>请输入受让会员的手机号或卡号,按 Enter 查找</source>
        <translation>Type the receiver&apos;s phone or card number and press Enter</translation>
    </message>
    <message>
        <source>正在查找会员…</source>
        <translation>Finding the member…</translation>
    </message>
    <message>
        <source>按 Enter 查找受让会员</source>
        <translation>Press Enter to find the receiver</translation>
    </message>
    <message>
        <source>扫码只用于转让时查找受让会员</source>
        <translation>A scan here only finds the receiver of a transfer</translation>
    </message>
    <message>
        <source>次卡核销完成:{0}</source>
        <translation>Count card used: {0}</translation>
    </message>
    <message>
        <source>售卡成功:{0},实收 {1}</source>
        <translation>Count card sold: {0}, received {1}</translation>
    </message>
    <message>
        <source>,找零 {0}</source>
        <translation>, change {0}</translation>
    </message>
    <message>
        <source>次卡已转让:{0} → {1}</source>
        <translation>Card transferred: {0} → {1}</translation>
    </message>
    <message>
        <source>退卡完成:{0}</source>
        <translation>Count card refunded: {0}</translation>
    </message>
    <message>
        <source>,剩 {0}</source>
        <translation>, left: {0}</translation>
    </message>
    <message>
        <source>,退回 {0}</source>
        <translation>, paid back {0}</translation>
    </message>
</context>
<context>
    <name>CounterScreen</name>
    <message>
        <source>刷卡 / 扫会员码 / 手机号或后 4 位 / 姓名或拼音首字母,按 Enter 查询</source>
        <translation>Card, member code, phone, last 4 digits, name or initials</translation>
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
        <source>店长功能</source>
        <translation>Manager</translation>
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
        <source>关于</source>
        <translation>About</translation>
    </message>
    <message>
        <source>运营:{0}({1})</source>
        <translation>Marketing: {0} ({1})</translation>
    </message>
    <message>
        <source>客服:{0}({1})</source>
        <translation>Service: {0} ({1})</translation>
    </message>
    <message>
        <source>财务:{0}({1})</source>
        <translation>Finance: {0} ({1})</translation>
    </message>
    <message>
        <source>收银员:{0}({1})</source>
        <translation>Cashier: {0} ({1})</translation>
    </message>
    <message>
        <source>中文输入 开</source>
        <translation>Chinese input ON</translation>
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
        <source>总部暂时连不上:其他门店的会员要联网才能查到</source>
        <translation>HQ cannot be reached: members of other stores are found online only</translation>
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
        <source>正在向总部查询更早的记录…</source>
        <translation>Asking HQ for older records…</translation>
    </message>
    <message>
        <source>正在向总部查询完整号码…</source>
        <translation>Asking HQ for the full number…</translation>
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
        <source>散客收款成功:应付 {0}</source>
        <translation>Walk-in sale paid: {0} due</translation>
    </message>
    <message>
        <source>收款成功:应付 {0},得 {1} 积分,余额 {2}</source>
        <translation>Paid: {0} due, {1} points earned, balance {2}</translation>
    </message>
    <message>
        <source>,升级</source>
        <translation>, tier upgraded</translation>
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
        <source>已保存 {0} 的标签</source>
        <translation>Saved the tags of {0}</translation>
    </message>
    <message>
        <source>已为 {0} 开工单 {1}</source>
        <translation>Ticket {1} opened for {0}</translation>
    </message>
    <message>
        <source>已记录 {0} 的营销同意</source>
        <translation>{0}&apos;s marketing consent recorded</translation>
    </message>
    <message>
        <source>已撤回 {0} 的营销同意</source>
        <translation>{0}&apos;s marketing consent withdrawn</translation>
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
        <source>退货完成:退回 {0}</source>
        <translation>Goods refunded: {0} back</translation>
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
    <name>CouponPickDialog</name>
    <message>
        <source>优惠券</source>
        <translation>Coupons</translation>
    </message>
    <message>
        <source>{0} 的券包:↑↓ 选择,空格勾选</source>
        <translation>{0}&apos;s coupons: ↑↓ to choose, Space to tick</translation>
    </message>
    <message>
        <source>散客:只能使用无记名券</source>
        <translation>Walk-in customer: bearer coupons only</translation>
    </message>
    <message>
        <source>扫描或输入券码,按 Enter 加入</source>
        <translation>Scan or type a coupon code, Enter to add it</translation>
    </message>
    <message>
        <source>使用勾选的券 (Enter)</source>
        <translation>Use the ticked coupons (Enter)</translation>
    </message>
    <message>
        <source>取消 (Esc)</source>
        <translation>Cancel (Esc)</translation>
    </message>
    <message>
        <source>该会员没有现在可用的券:可扫描或输入券码</source>
        <translation>The member has no coupon usable now: scan or type a code</translation>
    </message>
    <message>
        <source>{0}  {1}  {2}  有效期至 {3}</source>
        <translation>{0}  {1}  {2}  valid until {3}</translation>
    </message>
    <message>
        <source>已加入券 {0}</source>
        <translation>Coupon {0} added</translation>
    </message>
</context>
<context>
    <name>DayCloseDialog</name>
    <message>
        <source>日结</source>
        <translation>Daily close</translation>
    </message>
    <message>
        <source>营业日 {0}:核对 Z 报表后按 Enter 日结,日结后该日不能再记入任何业务</source>
        <translation>Business date {0}: check the Z report, then press Enter to close the day; nothing more can be dated into it afterwards</translation>
    </message>
    <message>
        <source>确认日结 (Enter)</source>
        <translation>Close the day (Enter)</translation>
    </message>
    <message>
        <source>日结报表 Z(预览)</source>
        <translation>Z report (preview)</translation>
    </message>
    <message>
        <source>正在计算 Z 报表…</source>
        <translation>Computing the Z report…</translation>
    </message>
    <message>
        <source>无法生成 Z 报表</source>
        <translation>The Z report could not be made</translation>
    </message>
    <message>
        <source>日结报表 Z</source>
        <translation>Z report</translation>
    </message>
    <message>
        <source>营业日 {0} 已日结(之前已完成)</source>
        <translation>Business date {0} is closed (done earlier)</translation>
    </message>
    <message>
        <source>营业日 {0} 日结完成,报表已保存,可随时重打</source>
        <translation>Business date {0} closed; the report is kept for reprint</translation>
    </message>
    <message>
        <source>完成 (Enter)</source>
        <translation>Done (Enter)</translation>
    </message>
    <message>
        <source>日结单已送打印机</source>
        <translation>Z report sent to the printer</translation>
    </message>
    <message>
        <source>未设置打印机:日结单显示在屏幕上</source>
        <translation>No printer set up: the Z report is shown on screen</translation>
    </message>
</context>
<context>
    <name>DiscountDialog</name>
    <message>
        <source>整单折扣</source>
        <translation>Order discount</translation>
    </message>
    <message>
        <source>折前合计 {0}</source>
        <translation>Total before the discount {0}</translation>
    </message>
    <message>
        <source>如 9 = 九折,9.5 = 九五折</source>
        <translation>e.g. 9 = 10 % off, 9.5 = 5 % off</translation>
    </message>
    <message>
        <source>打折(折)</source>
        <translation>Discount (zhe)</translation>
    </message>
    <message>
        <source>或减免的金额</source>
        <translation>or an amount off</translation>
    </message>
    <message>
        <source>减免(元)</source>
        <translation>Amount off (yuan)</translation>
    </message>
    <message>
        <source>两项都不填:取消整单折扣。超出权限的折扣在收款时由店长授权</source>
        <translation>Both empty: no order discount. A discount beyond your limits is approved by a manager when paying</translation>
    </message>
    <message>
        <source>折扣和减免只填一项</source>
        <translation>Give a discount or an amount off, not both</translation>
    </message>
    <message>
        <source>折扣要在 0 到 10 之间,如 9 或 9.5</source>
        <translation>The discount is between 0 and 10, e.g. 9 or 9.5</translation>
    </message>
    <message>
        <source>请输入金额,如 12.50</source>
        <translation>Type an amount, e.g. 12.50</translation>
    </message>
    <message>
        <source>减免不能超过合计 {0}</source>
        <translation>The amount off cannot exceed the total {0}</translation>
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
        <source>管理员工号 admin,密码 4–8 位数字(建议 6 位);建立后会显示一次恢复码。</source>
        <translation>The admin&apos;s staff number is admin; the PIN is 4–8 digits (6 is good). A recovery code is shown once the store is created.</translation>
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
    <name>HandoverDialog</name>
    <message>
        <source>交班点款</source>
        <translation>Shift handover</translation>
    </message>
    <message>
        <source>交班的班次</source>
        <translation>Shift to close</translation>
    </message>
    <message>
        <source>盲点:请清点钱箱中的全部现金(含备用金),应有金额在提交后才显示</source>
        <translation>Blind count: count all the cash in the drawer (float included); the expected amount is shown only after you submit</translation>
    </message>
    <message>
        <source>按面额点款</source>
        <translation>By denomination</translation>
    </message>
    <message>
        <source>只输总额</source>
        <translation>Total only</translation>
    </message>
    <message>
        <source>现金总额(元)</source>
        <translation>Cash total (yuan)</translation>
    </message>
    <message>
        <source>请核对清点结果。提交后不能自行重点(重点需店长授权)</source>
        <translation>Check the count. Once submitted it cannot be counted again without a manager.</translation>
    </message>
    <message>
        <source>例如:找零出错、收到假币</source>
        <translation>e.g. wrong change given, a counterfeit note</translation>
    </message>
    <message>
        <source>长短款原因</source>
        <translation>Reason for the difference</translation>
    </message>
    <message>
        <source>提交点款 (Enter)</source>
        <translation>Submit count (Enter)</translation>
    </message>
    <message>
        <source>{0} {1}(营业日 {2})</source>
        <translation>{0} {1} (business date {2})</translation>
    </message>
    <message>
        <source>清点合计 {0}</source>
        <translation>Counted {0}</translation>
    </message>
    <message>
        <source>请输入清点的现金总额</source>
        <translation>Enter the counted cash</translation>
    </message>
    <message>
        <source>请输入各面额的张数(钱箱没有现金请输入 0)</source>
        <translation>Enter the pieces of each denomination (0 if the drawer is empty)</translation>
    </message>
    <message>
        <source>长短款不为零,请填写原因</source>
        <translation>The cash is over or short: enter a reason</translation>
    </message>
    <message>
        <source>按总额清点</source>
        <translation>Counted as a total</translation>
    </message>
    <message>
        <source>核对点款</source>
        <translation>Check the count</translation>
    </message>
    <message>
        <source>确认提交 (Enter)</source>
        <translation>Submit (Enter)</translation>
    </message>
    <message>
        <source>返回修改 (Esc)</source>
        <translation>Back (Esc)</translation>
    </message>
    <message>
        <source>取消 (Esc)</source>
        <translation>Cancel (Esc)</translation>
    </message>
    <message>
        <source>清点现金 {0} · 系统应有现金 {1}</source>
        <translation>Counted {0} · expected {1}</translation>
    </message>
    <message>
        <source>确认交班 (Enter)</source>
        <translation>Close the shift (Enter)</translation>
    </message>
    <message>
        <source>交班结算</source>
        <translation>Close the shift</translation>
    </message>
    <message>
        <source>交班完成</source>
        <translation>Shift closed</translation>
    </message>
    <message>
        <source>清点现金 {0} · 应有现金 {1} · 长短款 {2}</source>
        <translation>Counted {0} · expected {1} · {2}</translation>
    </message>
    <message>
        <source>
原因:{0}</source>
        <translation>
Reason: {0}</translation>
    </message>
    <message>
        <source>完成 (Enter)</source>
        <translation>Done (Enter)</translation>
    </message>
    <message>
        <source>交班单</source>
        <translation>Shift handover</translation>
    </message>
    <message>
        <source>交班单已送打印机</source>
        <translation>Handover slip sent to the printer</translation>
    </message>
    <message>
        <source>未设置打印机:交班单未打印</source>
        <translation>No printer set up: the handover slip was not printed</translation>
    </message>
</context>
<context>
    <name>HeldListDialog</name>
    <message>
        <source>取单</source>
        <translation>Recall</translation>
    </message>
    <message>
        <source>作废的原因,如:顾客不要了</source>
        <translation>Why it is voided, e.g. the customer left</translation>
    </message>
    <message>
        <source>作废原因</source>
        <translation>Reason to void</translation>
    </message>
    <message>
        <source>↑↓ 选择,Enter 取单;填写原因后按 Delete 作废</source>
        <translation>↑↓ choose, Enter recalls; type a reason, then Delete voids</translation>
    </message>
    <message>
        <source>作废 (Delete)</source>
        <translation>Void (Delete)</translation>
    </message>
    <message>
        <source>取单 (Enter)</source>
        <translation>Recall (Enter)</translation>
    </message>
    <message>
        <source>散客</source>
        <translation>Walk-in</translation>
    </message>
    <message>
        <source>第 {0} 号  {1}  {2} 行  {3}  {4}  {5} 挂单{6}</source>
        <translation>No. {0}  {1}  {2} lines  {3}  {4}  held by {5}{6}</translation>
    </message>
    <message>
        <source>没有挂单</source>
        <translation>No held carts</translation>
    </message>
    <message>
        <source>请选择一张挂单</source>
        <translation>Choose a held cart</translation>
    </message>
    <message>
        <source>请先填写作废原因</source>
        <translation>Type the reason to void first</translation>
    </message>
</context>
<context>
    <name>ImportDialog</name>
    <message>
        <source>会员导入</source>
        <translation>Import members</translation>
    </message>
    <message>
        <source>从旧系统的 CSV 或 Excel 文件导入会员:先试运行逐行报告,导入全部成功或全部不导入</source>
        <translation>Import members from an old system&apos;s CSV or Excel file: a dry run reports every row first; the import is all or nothing</translation>
    </message>
    <message>
        <source>文件路径(可粘贴),如 D:\export\members.csv</source>
        <translation>File path (paste it), e.g. D:\export\members.csv</translation>
    </message>
    <message>
        <source>未选择文件</source>
        <translation>No file chosen</translation>
    </message>
    <message>
        <source>选择文件…</source>
        <translation>Choose file…</translation>
    </message>
    <message>
        <source>自动</source>
        <translation>Auto</translation>
    </message>
    <message>
        <source>表头所在行</source>
        <translation>Header row</translation>
    </message>
    <message>
        <source>旧等级=本店等级,多个用逗号分隔,如 VIP=金卡,普通会员=普通</source>
        <translation>old tier=tier here, comma-separated, e.g. VIP=Gold,Regular=Basic</translation>
    </message>
    <message>
        <source>等级对应</source>
        <translation>Tier mapping</translation>
    </message>
    <message>
        <source>返回修改列映射</source>
        <translation>Back to the column mapping</translation>
    </message>
    <message>
        <source>跳过有错误的行,只导入其余的</source>
        <translation>Skip the rows with errors and import the rest</translation>
    </message>
    <message>
        <source>下一步 (Enter)</source>
        <translation>Next (Enter)</translation>
    </message>
    <message>
        <source>选择导入文件</source>
        <translation>Choose the file to import</translation>
    </message>
    <message>
        <source>表格文件 (*.csv *.xlsx)</source>
        <translation>Spreadsheets (*.csv *.xlsx)</translation>
    </message>
    <message>
        <source>正在读取文件…</source>
        <translation>Reading the file…</translation>
    </message>
    <message>
        <source>(不导入)</source>
        <translation>(not imported)</translation>
    </message>
    <message>
        <source>试运行 (Enter)</source>
        <translation>Dry run (Enter)</translation>
    </message>
    <message>
        <source>请选择要导入的文件</source>
        <translation>Choose the file to import</translation>
    </message>
    <message>
        <source>请为必填字段选择列:{0}</source>
        <translation>Choose a column for the required fields: {0}</translation>
    </message>
    <message>
        <source>同一列不能对应两个字段</source>
        <translation>One column cannot feed two fields</translation>
    </message>
    <message>
        <source>没有可导入的新会员</source>
        <translation>No new members to import</translation>
    </message>
    <message>
        <source>试运行结果(未写入任何数据)</source>
        <translation>Dry run (nothing was written)</translation>
    </message>
    <message>
        <source>各列的识别:</source>
        <translation>Columns understood: </translation>
    </message>
    <message>
        <source>导入 (Enter)</source>
        <translation>Import (Enter)</translation>
    </message>
    <message>
        <source> · 非会员行跳过 {0}</source>
        <translation> · not members, skipped {0}</translation>
    </message>
    <message>
        <source>导入被拒绝,未写入任何数据</source>
        <translation>Import refused: nothing was written</translation>
    </message>
    <message>
        <source>有 {0} 行错误:请修正文件后重新导入,或返回修改列映射</source>
        <translation>{0} row(s) have errors: fix the file and import again, or change the column mapping</translation>
    </message>
    <message>
        <source>{0}:表头在第 {3} 行,{1} 行数据,编码 {2}。请核对每个字段对应的列(已按列名自动匹配)。</source>
        <translation>{0}: header on line {3}, {1} data rows, encoding {2}. Check the column of each field (matched by header where possible).</translation>
    </message>
    <message>
        <source>新建 {0} · 重复跳过 {1} · 已是会员 {2} · 错误 {3}</source>
        <translation>New {0} · duplicates skipped {1} · already members {2} · errors {3}</translation>
    </message>
    <message>
        <source>导入储值本金 {0} · 赠送金 {1} · 积分 {2}</source>
        <translation>Principal imported {0} · bonus {1} · points {2}</translation>
    </message>
    <message>
        <source>导入完成:已导入 {0} 位会员</source>
        <translation>Import done: {0} member(s) imported</translation>
    </message>
    <message>
        <source>完成 (Enter)</source>
        <translation>Done (Enter)</translation>
    </message>
</context>
<context>
    <name>ItemDialog</name>
    <message>
        <source>新增商品</source>
        <translation>New item</translation>
    </message>
    <message>
        <source>修改商品</source>
        <translation>Change item</translation>
    </message>
    <message>
        <source>不设</source>
        <translation>none</translation>
    </message>
    <message>
        <source>扫描或输入,多个用逗号分隔</source>
        <translation>Scan or type; several separated by commas</translation>
    </message>
    <message>
        <source>(无分类)</source>
        <translation>(no category)</translation>
    </message>
    <message>
        <source>参与积分</source>
        <translation>Earns points</translation>
    </message>
    <message>
        <source>服务项目(可用于次卡)</source>
        <translation>Service item (for count cards)</translation>
    </message>
    <message>
        <source>商品编码</source>
        <translation>Item code</translation>
    </message>
    <message>
        <source>商品名称</source>
        <translation>Item name</translation>
    </message>
    <message>
        <source>零售价(元)</source>
        <translation>Price (yuan)</translation>
    </message>
    <message>
        <source>会员价(元)</source>
        <translation>Member price (yuan)</translation>
    </message>
    <message>
        <source>条码</source>
        <translation>Barcodes</translation>
    </message>
    <message>
        <source>单位</source>
        <translation>Unit</translation>
    </message>
    <message>
        <source>分类</source>
        <translation>Category</translation>
    </message>
    <message>
        <source>保存 (Enter)</source>
        <translation>Save (Enter)</translation>
    </message>
    <message>
        <source>请输入商品编码</source>
        <translation>Enter the item code</translation>
    </message>
    <message>
        <source>请输入商品名称</source>
        <translation>Enter the item name</translation>
    </message>
    <message>
        <source>请输入零售价</source>
        <translation>Enter the price</translation>
    </message>
</context>
<context>
    <name>ItemsDialog</name>
    <message>
        <source>商品管理</source>
        <translation>Items</translation>
    </message>
    <message>
        <source>编码、条码、名称或拼音首字母</source>
        <translation>Code, barcode, name or pinyin initials</translation>
    </message>
    <message>
        <source>含停售</source>
        <translation>With inactive</translation>
    </message>
    <message>
        <source>新增商品</source>
        <translation>New item</translation>
    </message>
    <message>
        <source>修改所选</source>
        <translation>Change selected</translation>
    </message>
    <message>
        <source>停售所选</source>
        <translation>Deactivate selected</translation>
    </message>
    <message>
        <source>返回 (Esc)</source>
        <translation>Back (Esc)</translation>
    </message>
    <message>
        <source>本店已连接总部:商品资料由总部统一管理,此处只能查看</source>
        <translation>This store is enrolled with HQ: HQ manages the items; view only here</translation>
    </message>
    <message>
        <source>共 {0} 个商品</source>
        <translation>{0} item(s)</translation>
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
    <name>LineRefundDialog</name>
    <message>
        <source>退货</source>
        <translation>Refund goods</translation>
    </message>
    <message>
        <source>{0} 的销售 · 实付 {1}</source>
        <translation>Sale of {0} · paid {1}</translation>
    </message>
    <message>
        <source>门店 {0} 的销售(总部记录),退货由总部核对</source>
        <translation>A sale of store {0} (as HQ holds it); HQ checks the refund</translation>
    </message>
    <message>
        <source> 件</source>
        <translation> pcs</translation>
    </message>
    <message>
        <source>{0}. {1}(已售 {2},可退 {3},实付 {4})</source>
        <translation>{0}. {1} (sold {2}, refundable {3}, paid {4})</translation>
    </message>
    <message>
        <source>退货原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <source>储值退回会员账户,其余金额以现金退回;抵现积分退回,所得积分扣回。</source>
        <translation>Stored value back to the member, the rest paid back as cash; points used given back, points earned taken back. </translation>
    </message>
    <message>
        <source>按原支付方式退回;储值退回会员账户,抵现积分退回,所得积分扣回。</source>
        <translation>Paid back by the original methods; stored value back to the member, points used given back, points earned taken back. </translation>
    </message>
    <message>
        <source>剩余数量以后还可以退。</source>
        <translation>What is left can be refunded later.</translation>
    </message>
    <message>
        <source>确认退货 (Enter)</source>
        <translation>Refund (Enter)</translation>
    </message>
    <message>
        <source>退 {0} 件,约退回 {1}</source>
        <translation>{0} pcs, about {1} back</translation>
    </message>
    <message>
        <source>这笔销售的商品已全部退完</source>
        <translation>Everything of this sale has been refunded</translation>
    </message>
    <message>
        <source>请填写要退的数量</source>
        <translation>Type the quantities to refund</translation>
    </message>
    <message>
        <source>请选择退货原因</source>
        <translation>Choose a reason</translation>
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
        <source>运营 {0}</source>
        <translation>Marketing {0}</translation>
    </message>
    <message>
        <source>客服 {0}</source>
        <translation>Service {0}</translation>
    </message>
    <message>
        <source>财务 {0}</source>
        <translation>Finance {0}</translation>
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
        <source>营业日 {0}(日历 {1})</source>
        <translation>Day {0} ({1})</translation>
    </message>
    <message>
        <source>营业日 {0}:从 {1} 开始;日结后的业务记入下一营业日</source>
        <translation>Business date {0}: it starts at {1}; after the daily close, operations go into the next business date</translation>
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
        <source>打印机:已送出,无法确认</source>
        <translation>Printer: sent, cannot confirm</translation>
    </message>
    <message>
        <source>打印机:正常</source>
        <translation>Printer: ready</translation>
    </message>
    <message>
        <source>离线</source>
        <translation>offline</translation>
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
        <translation>No HQ · {0} to upload</translation>
    </message>
</context>
<context>
    <name>ManagerMenu</name>
    <message>
        <source>店长功能</source>
        <translation>Manager</translation>
    </message>
    <message>
        <source>{0}({1})</source>
        <translation>{0} ({1})</translation>
    </message>
    <message>
        <source>开班</source>
        <translation>Open shift</translation>
    </message>
    <message>
        <source>交班点款</source>
        <translation>Shift handover</translation>
    </message>
    <message>
        <source>X 报表</source>
        <translation>X report</translation>
    </message>
    <message>
        <source>日结</source>
        <translation>Daily close</translation>
    </message>
    <message>
        <source>Z 报表 / 重打</source>
        <translation>Z report / reprint</translation>
    </message>
    <message>
        <source>经营报表</source>
        <translation>Reports</translation>
    </message>
    <message>
        <source>会员导入</source>
        <translation>Import members</translation>
    </message>
    <message>
        <source>会员导出</source>
        <translation>Export members</translation>
    </message>
    <message>
        <source>审计日志</source>
        <translation>Audit log</translation>
    </message>
    <message>
        <source>会员规则</source>
        <translation>Member rules</translation>
    </message>
    <message>
        <source>商品管理</source>
        <translation>Items</translation>
    </message>
    <message>
        <source>返回收银 (Esc)</source>
        <translation>Back to the counter (Esc)</translation>
    </message>
    <message>
        <source>已开班,备用金 {0}</source>
        <translation>Shift opened, float {0}</translation>
    </message>
    <message>
        <source>已交班:{0}</source>
        <translation>Shift closed: {0}</translation>
    </message>
    <message>
        <source>营业日 {0} 已日结</source>
        <translation>Business date {0} closed</translation>
    </message>
    <message>
        <source>已导入 {0} 位会员</source>
        <translation>{0} member(s) imported</translation>
    </message>
    <message>
        <source>已导出 {0} 位会员到 {1}</source>
        <translation>{0} member(s) exported to {1}</translation>
    </message>
    <message>
        <source>会员规则已保存,从下一笔业务起生效</source>
        <translation>Member rules saved; they apply from the next operation</translation>
    </message>
</context>
<context>
    <name>MemberExportDialog</name>
    <message>
        <source>会员导出</source>
        <translation>Export members</translation>
    </message>
    <message>
        <source>导出全部会员及其储值、积分。文件含个人信息,请妥善保管;导出会记入审计日志</source>
        <translation>Exports every member with stored value and points. The file holds personal data: keep it safe; the export is audited</translation>
    </message>
    <message>
        <source>未选择文件</source>
        <translation>No file chosen</translation>
    </message>
    <message>
        <source>选择保存位置…</source>
        <translation>Choose where to save…</translation>
    </message>
    <message>
        <source>隐藏手机号中间四位</source>
        <translation>Mask the middle four digits of phones</translation>
    </message>
    <message>
        <source>导出 (Enter)</source>
        <translation>Export (Enter)</translation>
    </message>
    <message>
        <source>导出会员</source>
        <translation>Export members</translation>
    </message>
    <message>
        <source>Excel 文件 (*.xlsx);;CSV 文件 (*.csv)</source>
        <translation>Excel files (*.xlsx);;CSV files (*.csv)</translation>
    </message>
    <message>
        <source>请选择保存位置</source>
        <translation>Choose where to save</translation>
    </message>
</context>
<context>
    <name>MemberPanel</name>
    <message>
        <source>次卡 (F11)</source>
        <translation>Count cards (F11)</translation>
    </message>
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
        <translation>Refunds</translation>
    </message>
    <message>
        <source>等级</source>
        <translation>Tier changes</translation>
    </message>
    <message>
        <source>更早记录(总部)</source>
        <translation>Older records (HQ)</translation>
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
        <source>查看完整号码</source>
        <translation>Show full number</translation>
    </message>
    <message>
        <source>标签 (Ctrl+T)</source>
        <translation>Tags (Ctrl+T)</translation>
    </message>
    <message>
        <source>工单 (Ctrl+K)</source>
        <translation>Tickets (Ctrl+K)</translation>
    </message>
    <message>
        <source>营销同意 (Ctrl+M)</source>
        <translation>Consent (Ctrl+M)</translation>
    </message>
    <message>
        <source>次卡</source>
        <translation>Count cards</translation>
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
        <source>本机记录,可能不是最新</source>
        <translation>As last seen here; may be out of date</translation>
    </message>
    <message>
        <source>{0} {1} 次</source>
        <translation>{0} ×{1}</translation>
    </message>
    <message>
        <source>次卡 {0}:{1}(有效期至 {2})</source>
        <translation>Count card {0}: {1} (valid until {2})</translation>
    </message>
    <message>
        <source>{0}(至 {1})</source>
        <translation>{0} (until {1})</translation>
    </message>
    <message>
        <source> 等</source>
        <translation> and more</translation>
    </message>
    <message>
        <source>优惠券 {0} 张可用:{1}{2}(购物车中按 F9 选用)</source>
        <translation>{0} coupons usable: {1}{2} (F9 in the cart to use them)</translation>
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
    <message>
        <source>工单 {0} 未结 (Ctrl+K)</source>
        <translation>Tickets·{0} (Ctrl+K)</translation>
    </message>
    <message>
        <source>营销短信</source>
        <translation>Marketing SMS</translation>
    </message>
    <message>
        <source>营销微信</source>
        <translation>Marketing WeChat</translation>
    </message>
    <message>
        <source>营销邮件</source>
        <translation>Marketing email</translation>
    </message>
    <message>
        <source>已同意</source>
        <translation>agreed</translation>
    </message>
    <message>
        <source>已撤回</source>
        <translation>withdrawn</translation>
    </message>
    <message>
        <source>未同意</source>
        <translation>not agreed</translation>
    </message>
    <message>
        <source>新客</source>
        <translation>New</translation>
    </message>
    <message>
        <source>成长</source>
        <translation>Growing</translation>
    </message>
    <message>
        <source>成熟</source>
        <translation>Mature</translation>
    </message>
    <message>
        <source>沉睡</source>
        <translation>Dormant</translation>
    </message>
    <message>
        <source>流失</source>
        <translation>Lost</translation>
    </message>
    <message>
        <source>阶段: {0}</source>
        <translation>Stage: {0}</translation>
    </message>
    <message>
        <source>(自 {0})</source>
        <translation> (since {0})</translation>
    </message>
    <message>
        <source>最近到店 {0} · 12个月到店 {1} 次 · 12个月消费 {2}(按 {3} 分界)</source>
        <translation>Last visit {0} · {1} visits in 12 months · {2} spent in 12 months (edges of {3})</translation>
    </message>
    <message>
        <source>{0} 天前</source>
        <translation>{0} days ago</translation>
    </message>
    <message>
        <source>本月 RFM 分界尚未计算(日结时计算)</source>
        <translation>This month&apos;s RFM edges are not computed yet (the day close computes them)</translation>
    </message>
    <message>
        <source>规则标签</source>
        <translation>Rule tag</translation>
    </message>
    <message>
        <source>手动标签</source>
        <translation>Manual tag</translation>
    </message>
</context>
<context>
    <name>OlderHistoryDialog</name>
    <message>
        <source>更早记录(总部)</source>
        <translation>Older records (HQ)</translation>
    </message>
    <message>
        <source>{name} 在 {since} 之前的记录,由总部提供:本机只保留最近 18 个月</source>
        <translation>{name}&apos;s records before {since}, from HQ: this counter keeps the last 18 months only</translation>
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
        <source>门店</source>
        <translation>Store</translation>
    </message>
    <message>
        <source>储值变动</source>
        <translation>Stored value</translation>
    </message>
    <message>
        <source>积分变动</source>
        <translation>Points</translation>
    </message>
    <message>
        <source>总部没有更早的记录</source>
        <translation>HQ has no older records</translation>
    </message>
    <message>
        <source>只列出最近 {n} 笔;更早的请到总部查询</source>
        <translation>Only the latest {n} are listed; ask HQ for older ones</translation>
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
    <name>OpenShiftDialog</name>
    <message>
        <source>开班</source>
        <translation>Open shift</translation>
    </message>
    <message>
        <source>收银员 {0}({1}):请清点放入钱箱的备用金</source>
        <translation>Cashier {0} ({1}): count the float you put in the drawer</translation>
    </message>
    <message>
        <source>备用金(元)</source>
        <translation>Float (yuan)</translation>
    </message>
    <message>
        <source>开班 (Enter)</source>
        <translation>Open shift (Enter)</translation>
    </message>
    <message>
        <source>请输入备用金金额(没有备用金请输入 0)</source>
        <translation>Enter the float (0 if there is none)</translation>
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
    <name>PaymentRows</name>
    <message>
        <source>储值支付(元)</source>
        <translation>Stored value (yuan)</translation>
    </message>
    <message>
        <source>其余用</source>
        <translation>The rest by</translation>
    </message>
    <message>
        <source>支付方式</source>
        <translation>Pay by</translation>
    </message>
    <message>
        <source>收到的现金,不填即正好</source>
        <translation>Cash handed over; empty: exact</translation>
    </message>
    <message>
        <source>实收现金(元)</source>
        <translation>Cash received (yuan)</translation>
    </message>
    <message>
        <source>凑整 ¥{0}</source>
        <translation>Round up ¥{0}</translation>
    </message>
    <message>
        <source>清零</source>
        <translation>Reset</translation>
    </message>
    <message>
        <source>找零</source>
        <translation>Change</translation>
    </message>
    <message>
        <source>会员输入 6 位支付密码</source>
        <translation>The member types the 6-digit payment password</translation>
    </message>
    <message>
        <source>支付密码</source>
        <translation>Payment password</translation>
    </message>
    <message>
        <source>会员未设支付密码</source>
        <translation>The member has no payment password</translation>
    </message>
    <message>
        <source>储值余额 {0}</source>
        <translation>Balance {0}</translation>
    </message>
    <message>
        <source>会员卡不可用,不能使用储值</source>
        <translation>The card cannot be used: no stored value</translation>
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
        <translation>The member types the 6-digit payment password</translation>
    </message>
    <message>
        <source>储值 {0}</source>
        <translation>Stored value {0}</translation>
    </message>
    <message>
        <source>收款:</source>
        <translation>Taking: </translation>
    </message>
    <message>
        <source>积分全额抵扣</source>
        <translation>Paid in full by points</translation>
    </message>
    <message>
        <source>,找零 {0}</source>
        <translation>, change {0}</translation>
    </message>
</context>
<context>
    <name>PriceChangeDialog</name>
    <message>
        <source>改价</source>
        <translation>Price change</translation>
    </message>
    <message>
        <source>{0} × {1},现价 {2}</source>
        <translation>{0} × {1}, now {2}</translation>
    </message>
    <message>
        <source>新的单价</source>
        <translation>the new unit price</translation>
    </message>
    <message>
        <source>单价改为(元)</source>
        <translation>New unit price (yuan)</translation>
    </message>
    <message>
        <source>或这一行的新小计</source>
        <translation>or the line&apos;s new amount</translation>
    </message>
    <message>
        <source>小计改为(元)</source>
        <translation>New line amount (yuan)</translation>
    </message>
    <message>
        <source>两项都不填:恢复原价。超出权限的改价在收款时由店长授权</source>
        <translation>Both empty: back to the item&apos;s price. A change beyond your limits is approved by a manager when paying</translation>
    </message>
    <message>
        <source>单价和小计只填一项</source>
        <translation>Give a unit price or a line amount, not both</translation>
    </message>
    <message>
        <source>请输入金额,如 12.50</source>
        <translation>Type an amount, e.g. 12.50</translation>
    </message>
</context>
<context>
    <name>QuantityDialog</name>
    <message>
        <source>数量</source>
        <translation>Qty</translation>
    </message>
    <message>
        <source>数量要在 1 到 {0} 之间</source>
        <translation>The quantity must be from 1 to {0}</translation>
    </message>
</context>
<context>
    <name>RangeReportDialog</name>
    <message>
        <source>经营报表</source>
        <translation>Reports</translation>
    </message>
    <message>
        <source>从</source>
        <translation>From</translation>
    </message>
    <message>
        <source>到</source>
        <translation>To</translation>
    </message>
    <message>
        <source>流失:超过</source>
        <translation>Churned: no purchase for</translation>
    </message>
    <message>
        <source> 天未消费</source>
        <translation> days</translation>
    </message>
    <message>
        <source>查询 (Enter)</source>
        <translation>Search (Enter)</translation>
    </message>
    <message>
        <source>导出 Excel/CSV</source>
        <translation>Export Excel/CSV</translation>
    </message>
    <message>
        <source>净营业额</source>
        <translation>Net sales</translation>
    </message>
    <message>
        <source>充值实收</source>
        <translation>Top-ups received</translation>
    </message>
    <message>
        <source>充值赠送</source>
        <translation>Top-up bonus</translation>
    </message>
    <message>
        <source>新会员</source>
        <translation>New members</translation>
    </message>
    <message>
        <source>活跃会员</source>
        <translation>Active members</translation>
    </message>
    <message>
        <source>复购率</source>
        <translation>Repeat rate</translation>
    </message>
    <message>
        <source>流失会员</source>
        <translation>Churned members</translation>
    </message>
    <message>
        <source>储值余额</source>
        <translation>Stored value</translation>
    </message>
    <message>
        <source>发放积分</source>
        <translation>Points issued</translation>
    </message>
    <message>
        <source>使用积分</source>
        <translation>Points redeemed</translation>
    </message>
    <message>
        <source>过期积分</source>
        <translation>Points expired</translation>
    </message>
    <message>
        <source>发卡/补卡/注销</source>
        <translation>Cards issued/replaced/cancelled</translation>
    </message>
    <message>
        <source>每日营业额与充值</source>
        <translation>Net sales and top-ups by day</translation>
    </message>
    <message>
        <source>每日趋势</source>
        <translation>By day</translation>
    </message>
    <message>
        <source>会员等级分布</source>
        <translation>Members by tier</translation>
    </message>
    <message>
        <source>等级分布</source>
        <translation>Tiers</translation>
    </message>
    <message>
        <source>储值余额(日终)</source>
        <translation>Stored value at the end of each day</translation>
    </message>
    <message>
        <source>储值负债</source>
        <translation>Liability</translation>
    </message>
    <message>
        <source>收银员</source>
        <translation>Cashier</translation>
    </message>
    <message>
        <source>关闭 (Esc)</source>
        <translation>Close (Esc)</translation>
    </message>
    <message>
        <source>正在统计…</source>
        <translation>Computing…</translation>
    </message>
    <message>
        <source>净营业额(元)</source>
        <translation>Net sales (yuan)</translation>
    </message>
    <message>
        <source>充值(元)</source>
        <translation>Top-ups (yuan)</translation>
    </message>
    <message>
        <source>本金(元)</source>
        <translation>Principal (yuan)</translation>
    </message>
    <message>
        <source>赠送金(元)</source>
        <translation>Bonus (yuan)</translation>
    </message>
    <message>
        <source>导出经营报表</source>
        <translation>Export the report</translation>
    </message>
    <message>
        <source>Excel 文件 (*.xlsx);;CSV 文件 (*.csv)</source>
        <translation>Excel files (*.xlsx);;CSV files (*.csv)</translation>
    </message>
    <message>
        <source>正在导出…</source>
        <translation>Exporting…</translation>
    </message>
    <message>
        <source>已导出到 {0}</source>
        <translation>Exported to {0}</translation>
    </message>
</context>
<context>
    <name>ReceiptDialog</name>
    <message>
        <source>整张小票</source>
        <translation>Whole receipt</translation>
    </message>
    <message>
        <source>关闭 (Esc)</source>
        <translation>Close (Esc)</translation>
    </message>
</context>
<context>
    <name>ReceiptPane</name>
    <message>
        <source>整张查看 {0}</source>
        <translation>Whole {0}</translation>
    </message>
</context>
<context>
    <name>RecoveryCodeDialog</name>
    <message>
        <source>管理员恢复码</source>
        <translation>Admin recovery code</translation>
    </message>
    <message>
        <source>请把这个恢复码抄在纸上,妥善保管</source>
        <translation>Write this recovery code down on paper and keep it safe</translation>
    </message>
    <message>
        <source>管理员忘记密码或输错被锁定时,用它解锁并设新密码:
member-counter staff recover --code 恢复码 --new-pin 新密码
每个恢复码只能用一次(用后会给出新的);它只显示这一次,本机只保存它的指纹。</source>
        <translation>If the admin forgets the PIN or is locked out, it unlocks the admin and sets a new PIN:
member-counter staff recover --code CODE --new-pin NEW-PIN
Each code works once (a new one is given then); it is shown only now, and this counter keeps only its fingerprint.</translation>
    </message>
    <message>
        <source>我已抄下 (Enter)</source>
        <translation>I have written it down (Enter)</translation>
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
        <source>《会员服务协议》和《隐私政策》:会员同意门店保存并使用其信息提供会员服务。</source>
        <translation>Membership terms and privacy policy: the member agrees to the store keeping and using their details for member services.</translation>
    </message>
    <message>
        <source>会员已阅读并同意 *(空格勾选)</source>
        <translation>The member has read and agrees * (Space ticks)</translation>
    </message>
    <message>
        <source>同意接收营销短信(选填,文本版本 {0})</source>
        <translation>Agrees to marketing SMS (optional, wording {0})</translation>
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
    <name>ReportDialog</name>
    <message>
        <source>打印 (F9)</source>
        <translation>Print (F9)</translation>
    </message>
    <message>
        <source>关闭 (Esc)</source>
        <translation>Close (Esc)</translation>
    </message>
    <message>
        <source>正在读取…</source>
        <translation>Loading…</translation>
    </message>
    <message>
        <source>已送打印机</source>
        <translation>Sent to the printer</translation>
    </message>
    <message>
        <source>未设置打印机:报表显示在屏幕上</source>
        <translation>No printer set up: the report is shown on screen</translation>
    </message>
</context>
<context>
    <name>RulesDialog</name>
    <message>
        <source>会员规则</source>
        <translation>Member rules</translation>
    </message>
    <message>
        <source>会员等级(双击单元格修改)</source>
        <translation>Member tiers (double-click a cell to edit)</translation>
    </message>
    <message>
        <source>增加等级</source>
        <translation>Add tier</translation>
    </message>
    <message>
        <source>删除所选等级</source>
        <translation>Remove selected tier</translation>
    </message>
    <message>
        <source>充值赠送规则</source>
        <translation>Top-up bonus rules</translation>
    </message>
    <message>
        <source>增加赠送档位</source>
        <translation>Add bonus level</translation>
    </message>
    <message>
        <source>删除所选档位</source>
        <translation>Remove selected level</translation>
    </message>
    <message>
        <source>每消费 1 元得积分</source>
        <translation>Points per yuan spent</translation>
    </message>
    <message>
        <source>多少积分抵 1 元</source>
        <translation>Points worth 1 yuan</translation>
    </message>
    <message>
        <source>积分最多抵扣账单的(%)</source>
        <translation>Points may pay at most (% of the bill)</translation>
    </message>
    <message>
        <source>补卡工本费(元)</source>
        <translation>Card replacement fee (yuan)</translation>
    </message>
    <message>
        <source>单次充值上限(元)</source>
        <translation>Largest top-up (yuan)</translation>
    </message>
    <message>
        <source>保存后从下一笔业务起生效,修改会记入审计日志</source>
        <translation>Changes apply from the next operation and are audited</translation>
    </message>
    <message>
        <source>保存规则 (Enter)</source>
        <translation>Save rules (Enter)</translation>
    </message>
    <message>
        <source>本店已连接总部:会员规则由总部统一管理,此处只能查看</source>
        <translation>This store is connected to HQ: HQ manages the member rules; they can only be viewed here</translation>
    </message>
    <message>
        <source>新等级</source>
        <translation>New tier</translation>
    </message>
    <message>
        <source>正在读取规则…</source>
        <translation>Loading the rules…</translation>
    </message>
    <message>
        <source>规则由总部管理,不能修改</source>
        <translation>HQ manages the rules; they cannot be changed</translation>
    </message>
    <message>
        <source>请填写全部积分与充值设置</source>
        <translation>Fill in every points and top-up setting</translation>
    </message>
    <message>
        <source>至少需要一个会员等级</source>
        <translation>At least one tier is needed</translation>
    </message>
</context>
<context>
    <name>SaleNumberDialog</name>
    <message>
        <source>退货:找到那笔销售</source>
        <translation>Refund goods: find the sale</translation>
    </message>
    <message>
        <source>扫描小票上的单号,或输入单号后 6 位以上</source>
        <translation>Scan the number on the receipt, or type at least its last 6 characters</translation>
    </message>
    <message>
        <source>小票单号</source>
        <translation>Receipt number</translation>
    </message>
    <message>
        <source>会员的销售也可以先查到会员,再按 F7</source>
        <translation>A member&apos;s sale can also be found by finding the member first, then F7</translation>
    </message>
    <message>
        <source>查找 (Enter)</source>
        <translation>Find (Enter)</translation>
    </message>
    <message>
        <source>请输入单号后 6 位以上</source>
        <translation>Type at least the last 6 characters of the number</translation>
    </message>
</context>
<context>
    <name>ScanBox</name>
    <message>
        <source>中文输入已打开</source>
        <translation>Chinese input is on</translation>
    </message>
    <message>
        <source>中文输入已打开:输入拼音,空格选字,Enter 查询</source>
        <translation>Chinese input is on: type pinyin, Space picks, Enter searches</translation>
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
        <source>等打印机确认已打印(不能应答的型号请关闭)</source>
        <translation>Wait for the printer to confirm each receipt (turn off for models that cannot answer)</translation>
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
        <source>测试页打出来了吗?</source>
        <translation>Did the test page print?</translation>
    </message>
    <message>
        <source>打印正常</source>
        <translation>Printed correctly</translation>
    </message>
    <message>
        <source>未打印</source>
        <translation>Did not print</translation>
    </message>
    <message>
        <source>乱码或缺字</source>
        <translation>Garbled or missing characters</translation>
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
        <source>营业日切换时间</source>
        <translation>Business day starts at</translation>
    </message>
    <message>
        <source>此时间之前的业务记入前一营业日(如 04:00:凌晨 1:30 的消费属于前一天)。日结后的业务立即记入下一营业日。</source>
        <translation>Operations before this time belong to the previous business date (with 04:00, a sale at 01:30 belongs to the day before). After the daily close, operations go into the next business date at once.</translation>
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
        <source>已记录:测试页打印正常({0})。如有改动请保存</source>
        <translation>Recorded: the test page printed correctly ({0}). Save any changes</translation>
    </message>
    <message>
        <source>已记录:测试页未打印。请检查打印机电源、纸卷和地址,再打一次测试页</source>
        <translation>Recorded: the test page did not print. Check the printer&apos;s power, paper roll and address, then print the test page again</translation>
    </message>
    <message>
        <source>已记录:测试页乱码或缺字({0})。请选用测试页上中文正常的那一行所写的编码,再打一次测试页</source>
        <translation>Recorded: the test page was garbled or missing characters ({0}). Choose the encoding named on the test page&apos;s line whose Chinese reads right, then print it again</translation>
    </message>
    <message>
        <source>(打印机回答了已打印:可能没有纸卷或打印头故障)</source>
        <translation> (the printer answered that it printed: the paper roll may be missing or the print head faulty)</translation>
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
    <name>ShiftBanner</name>
    <message>
        <source>您还没有开班:开班后交班时才能核对现金</source>
        <translation>You have no shift open: open one so the cash can be checked at handover</translation>
    </message>
    <message>
        <source>开班</source>
        <translation>Open shift</translation>
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
    <name>StorageBanner</name>
    <message>
        <source>磁盘只剩 {0} MB,请尽快清理</source>
        <translation>Only {0} MB left on the disk: free some space soon</translation>
    </message>
    <message>
        <source>可删除不用的文件或清空回收站;空间够了之后,重做刚才没有记下的那笔业务。</source>
        <translation>Delete files you do not need or empty the recycle bin; once there is space, do the operation that was not saved again.</translation>
    </message>
    <message>
        <source>请联系技术支持检查电脑的磁盘。</source>
        <translation>Ask support to check the computer&apos;s disk.</translation>
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
        <source>总部拒收</source>
        <translation>Refused by HQ</translation>
    </message>
    <message>
        <source>暂未应用</source>
        <translation>Not applied yet</translation>
    </message>
    <message>
        <source>本机版本</source>
        <translation>This counter&apos;s version</translation>
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
        <source>{0} 条总部数据暂未能在本机应用,所需会员到达后自动补上</source>
        <translation>{0} changes from HQ cannot be applied here yet; they apply once the members they need arrive</translation>
    </message>
    <message>
        <source>{0} 条,请店长联系总部处理:</source>
        <translation>{0}; a manager should ask HQ to resolve them:</translation>
    </message>
    <message>
        <source>{0} 条,总部已作废:</source>
        <translation>{0}, voided by HQ:</translation>
    </message>
    <message>
        <source>第 {0} 笔:等待前一笔处理后再上传</source>
        <translation>No. {0}: waits for an earlier one to be resolved</translation>
    </message>
    <message>
        <source>第 {0} 笔:{1}</source>
        <translation>No. {0}: {1}</translation>
    </message>
    <message>
        <source>……另有 {0} 条</source>
        <translation>… and {0} more</translation>
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
    <name>TagDialog</name>
    <message>
        <source>会员标签</source>
        <translation>Member tags</translation>
    </message>
    <message>
        <source>{0} 的标签</source>
        <translation>Tags of {0}</translation>
    </message>
    <message>
        <source>正在读取标签…</source>
        <translation>Reading the tags…</translation>
    </message>
    <message>
        <source>保存 (Enter)</source>
        <translation>Save (Enter)</translation>
    </message>
    <message>
        <source>只有店长可以设置或取消此标签</source>
        <translation>Only a manager may set or take off this tag</translation>
    </message>
    <message>
        <source>按数字键选择或取消标签,按 Enter 保存</source>
        <translation>Press a number to switch a tag, Enter to save</translation>
    </message>
    <message>
        <source>本店还没有手动标签</source>
        <translation>The store has no manual tags yet</translation>
    </message>
    <message>
        <source>没有可设置的标签</source>
        <translation>No tag can be set</translation>
    </message>
    <message>
        <source>标签没有改动</source>
        <translation>No tag was changed</translation>
    </message>
</context>
<context>
    <name>TicketDialog</name>
    <message>
        <source>服务工单</source>
        <translation>Service tickets</translation>
    </message>
    <message>
        <source>咨询</source>
        <translation>Consultation</translation>
    </message>
    <message>
        <source>投诉</source>
        <translation>Complaint</translation>
    </message>
    <message>
        <source>反馈</source>
        <translation>Feedback</translation>
    </message>
    <message>
        <source>建议</source>
        <translation>Suggestion</translation>
    </message>
    <message>
        <source>低</source>
        <translation>Low</translation>
    </message>
    <message>
        <source>普通</source>
        <translation>Normal</translation>
    </message>
    <message>
        <source>高</source>
        <translation>High</translation>
    </message>
    <message>
        <source>紧急</source>
        <translation>Urgent</translation>
    </message>
    <message>
        <source>新建</source>
        <translation>New</translation>
    </message>
    <message>
        <source>处理中</source>
        <translation>In progress</translation>
    </message>
    <message>
        <source>已解决</source>
        <translation>Resolved</translation>
    </message>
    <message>
        <source>已关闭</source>
        <translation>Closed</translation>
    </message>
    <message>
        <source>{0} 的工单</source>
        <translation>{0}&apos;s tickets</translation>
    </message>
    <message>
        <source>工单号</source>
        <translation>Number</translation>
    </message>
    <message>
        <source>类型</source>
        <translation>Kind</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>到期</source>
        <translation>Due</translation>
    </message>
    <message>
        <source>正在读取工单…</source>
        <translation>Reading the tickets…</translation>
    </message>
    <message>
        <source>新建工单</source>
        <translation>Open a new ticket</translation>
    </message>
    <message>
        <source>例如:小票金额不对</source>
        <translation>e.g. the receipt&apos;s amount is wrong</translation>
    </message>
    <message>
        <source>详细情况(可不填)</source>
        <translation>Details (optional)</translation>
    </message>
    <message>
        <source>优先级</source>
        <translation>Priority</translation>
    </message>
    <message>
        <source>主题</source>
        <translation>Subject</translation>
    </message>
    <message>
        <source>内容</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>开单 (Enter)</source>
        <translation>Open (Enter)</translation>
    </message>
    <message>
        <source>{0} 已超时</source>
        <translation>{0} OVERDUE</translation>
    </message>
    <message>
        <source>该会员还没有工单</source>
        <translation>This member has no tickets yet</translation>
    </message>
    <message>
        <source>共 {0} 张工单,{1} 张已超时</source>
        <translation>{0} tickets, {1} overdue</translation>
    </message>
    <message>
        <source>共 {0} 张工单</source>
        <translation>{0} tickets</translation>
    </message>
    <message>
        <source>请填写工单主题</source>
        <translation>The ticket needs a subject</translation>
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
        <source>充{0}送{1}</source>
        <translation>¥{0} +{1}</translation>
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
    <name>Update</name>
    <message>
        <source>请向总部索取安装程序</source>
        <translation>ask HQ for the installer</translation>
    </message>
    <message>
        <source>新版本可用:{0}(本机 {1})
安装程序:{2}</source>
        <translation>New version available: {0} (this counter: {1})
Installer: {2}</translation>
    </message>
</context>
<context>
    <name>WalkInDialog</name>
    <message>
        <source>散客收银</source>
        <translation>Walk-in sale</translation>
    </message>
    <message>
        <source>散客(不是会员):不打折、不积分。刷会员卡可按会员结账</source>
        <translation>Walk-in (not a member): no discount, no points. Swipe a member&apos;s card to sell to the member</translation>
    </message>
    <message>
        <source>收款金额(元)</source>
        <translation>Amount (yuan)</translation>
    </message>
    <message>
        <source>请输入收款金额</source>
        <translation>Type the amount</translation>
    </message>
    <message>
        <source>金额太大</source>
        <translation>The amount is too large</translation>
    </message>
    <message>
        <source>确认收款 {0} (Enter)</source>
        <translation>Take {0} (Enter)</translation>
    </message>
</context>
<context>
    <name>XReportDialog</name>
    <message>
        <source>X 报表(交班前)</source>
        <translation>X report (before handover)</translation>
    </message>
    <message>
        <source>未交班班次的当前数据,不改变任何记录</source>
        <translation>The figures so far of the shifts not yet closed; nothing is changed</translation>
    </message>
</context>
<context>
    <name>ZReportDialog</name>
    <message>
        <source>Z 报表 / 重打日结单</source>
        <translation>Z report / reprint</translation>
    </message>
    <message>
        <source>营业日</source>
        <translation>Business date</translation>
    </message>
    <message>
        <source>导出 Excel/CSV</source>
        <translation>Export Excel/CSV</translation>
    </message>
    <message>
        <source>导出 Z 报表</source>
        <translation>Export the Z report</translation>
    </message>
    <message>
        <source>Excel 文件 (*.xlsx);;CSV 文件 (*.csv)</source>
        <translation>Excel files (*.xlsx);;CSV files (*.csv)</translation>
    </message>
    <message>
        <source>已导出到 {0}</source>
        <translation>Exported to {0}</translation>
    </message>
    <message>
        <source>日结报表 Z</source>
        <translation>Z report</translation>
    </message>
    <message>
        <source>日结报表 Z(预览)</source>
        <translation>Z report (preview)</translation>
    </message>
</context>
<context>
    <name>audit</name>
    <message>
        <source>序号</source>
        <translation>Seq.</translation>
    </message>
    <message>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>操作员</source>
        <translation>Staff</translation>
    </message>
    <message>
        <source>授权人</source>
        <translation>Approved by</translation>
    </message>
    <message>
        <source>操作</source>
        <translation>Action</translation>
    </message>
    <message>
        <source>对象</source>
        <translation>Entity</translation>
    </message>
    <message>
        <source>对象编号</source>
        <translation>Entity id</translation>
    </message>
    <message>
        <source>内容</source>
        <translation>Content</translation>
    </message>
    <message>
        <source>备份数据</source>
        <translation>Backup</translation>
    </message>
    <message>
        <source>恢复备份</source>
        <translation>Restore backup</translation>
    </message>
    <message>
        <source>注销会员</source>
        <translation>Cancel membership</translation>
    </message>
    <message>
        <source>冻结卡</source>
        <translation>Freeze card</translation>
    </message>
    <message>
        <source>解冻卡</source>
        <translation>Unfreeze card</translation>
    </message>
    <message>
        <source>挂失</source>
        <translation>Report card lost</translation>
    </message>
    <message>
        <source>补卡</source>
        <translation>Replace card</translation>
    </message>
    <message>
        <source>收银结账</source>
        <translation>Checkout</translation>
    </message>
    <message>
        <source>消费退款</source>
        <translation>Refund of a purchase</translation>
    </message>
    <message>
        <source>商品退货</source>
        <translation>Refund of goods</translation>
    </message>
    <message>
        <source>时钟回拨</source>
        <translation>Clock set back</translation>
    </message>
    <message>
        <source>日结</source>
        <translation>Daily close</translation>
    </message>
    <message>
        <source>总部作废,本机冲回</source>
        <translation>Voided by HQ, reversed here</translation>
    </message>
    <message>
        <source>总部更正,本机按总部记账</source>
        <translation>Corrected by HQ, posted here as HQ has it</translation>
    </message>
    <message>
        <source>导出会员</source>
        <translation>Export members</translation>
    </message>
    <message>
        <source>导入会员</source>
        <translation>Import member</translation>
    </message>
    <message>
        <source>批量导入</source>
        <translation>Import batch</translation>
    </message>
    <message>
        <source>登记会员</source>
        <translation>Register member</translation>
    </message>
    <message>
        <source>设置支付密码</source>
        <translation>Set payment password</translation>
    </message>
    <message>
        <source>重置支付密码</source>
        <translation>Reset payment password</translation>
    </message>
    <message>
        <source>修改资料</source>
        <translation>Edit profile</translation>
    </message>
    <message>
        <source>查看完整手机号</source>
        <translation>View full mobile number</translation>
    </message>
    <message>
        <source>查看其他门店会员的完整手机号(总部)</source>
        <translation>Viewed another store&apos;s member&apos;s full number (from HQ)</translation>
    </message>
    <message>
        <source>调整积分</source>
        <translation>Adjust points</translation>
    </message>
    <message>
        <source>打印测试页(看纸后的结果)</source>
        <translation>Printer test page (what the paper showed)</translation>
    </message>
    <message>
        <source>积分过期</source>
        <translation>Points expired</translation>
    </message>
    <message>
        <source>修改会员规则</source>
        <translation>Edit member rules</translation>
    </message>
    <message>
        <source>新增商品</source>
        <translation>New item</translation>
    </message>
    <message>
        <source>修改商品</source>
        <translation>Item changed</translation>
    </message>
    <message>
        <source>停售商品</source>
        <translation>Item deactivated</translation>
    </message>
    <message>
        <source>导入商品</source>
        <translation>Item imported</translation>
    </message>
    <message>
        <source>挂单</source>
        <translation>Cart held</translation>
    </message>
    <message>
        <source>取单</source>
        <translation>Cart recalled</translation>
    </message>
    <message>
        <source>取单未结账,放回挂单</source>
        <translation>Recalled cart put back unpaid</translation>
    </message>
    <message>
        <source>作废挂单</source>
        <translation>Held cart discarded</translation>
    </message>
    <message>
        <source>挂单已结账</source>
        <translation>Held cart paid</translation>
    </message>
    <message>
        <source>保存次卡产品</source>
        <translation>Count-card product saved</translation>
    </message>
    <message>
        <source>售出次卡</source>
        <translation>Count card sold</translation>
    </message>
    <message>
        <source>次卡消费</source>
        <translation>Count-card visit</translation>
    </message>
    <message>
        <source>次卡退款</source>
        <translation>Count card refunded</translation>
    </message>
    <message>
        <source>次卡转让</source>
        <translation>Count card transferred</translation>
    </message>
    <message>
        <source>新建优惠券模板</source>
        <translation>New coupon template</translation>
    </message>
    <message>
        <source>发放优惠券</source>
        <translation>Coupon issued</translation>
    </message>
    <message>
        <source>保存会员标签</source>
        <translation>Save a member tag</translation>
    </message>
    <message>
        <source>设置会员标签</source>
        <translation>Set a member&apos;s tag</translation>
    </message>
    <message>
        <source>开服务工单</source>
        <translation>Service ticket opened</translation>
    </message>
    <message>
        <source>处理服务工单</source>
        <translation>Service ticket handled</translation>
    </message>
    <message>
        <source>记录营销/提醒同意</source>
        <translation>Consent recorded (marketing / alerts)</translation>
    </message>
    <message>
        <source>撤回营销/提醒同意</source>
        <translation>Consent withdrawn (marketing / alerts)</translation>
    </message>
    <message>
        <source>导出同意记录</source>
        <translation>Consent proof exported</translation>
    </message>
    <message>
        <source>重新计算会员生命周期与 RFM</source>
        <translation>Recompute members&apos; lifecycle and RFM</translation>
    </message>
    <message>
        <source>作废优惠券</source>
        <translation>Coupon voided</translation>
    </message>
    <message>
        <source>次卡过期</source>
        <translation>Count card expired</translation>
    </message>
    <message>
        <source>新增商品分类</source>
        <translation>New category</translation>
    </message>
    <message>
        <source>修改商品分类</source>
        <translation>Category changed</translation>
    </message>
    <message>
        <source>停用商品分类</source>
        <translation>Category deactivated</translation>
    </message>
    <message>
        <source>修改设置</source>
        <translation>Change setting</translation>
    </message>
    <message>
        <source>开班</source>
        <translation>Open shift</translation>
    </message>
    <message>
        <source>交班</source>
        <translation>Hand over shift</translation>
    </message>
    <message>
        <source>交班点款</source>
        <translation>Shift count</translation>
    </message>
    <message>
        <source>重新点款</source>
        <translation>Recount</translation>
    </message>
    <message>
        <source>添加员工</source>
        <translation>Add staff</translation>
    </message>
    <message>
        <source>员工锁定</source>
        <translation>Staff locked</translation>
    </message>
    <message>
        <source>密码错误</source>
        <translation>Wrong PIN</translation>
    </message>
    <message>
        <source>解锁员工</source>
        <translation>Unlock staff</translation>
    </message>
    <message>
        <source>恢复管理员</source>
        <translation>Recover administrator</translation>
    </message>
    <message>
        <source>恢复管理员被拒</source>
        <translation>Administrator recovery refused</translation>
    </message>
    <message>
        <source>新恢复码</source>
        <translation>New recovery code</translation>
    </message>
    <message>
        <source>结转 18 个月前的记录(总部保留)</source>
        <translation>History over 18 months old carried forward (kept at HQ)</translation>
    </message>
    <message>
        <source>开店</source>
        <translation>Store set up</translation>
    </message>
    <message>
        <source>调整储值</source>
        <translation>Adjust stored value</translation>
    </message>
    <message>
        <source>储值充值</source>
        <translation>Top-up</translation>
    </message>
    <message>
        <source>充值退款</source>
        <translation>Top-up refund</translation>
    </message>
    <message>
        <source>从总部取得本店数据</source>
        <translation>Store data from HQ (joined)</translation>
    </message>
    <message>
        <source>接收总部数据</source>
        <translation>Changes from HQ</translation>
    </message>
    <message>
        <source>手动调整等级</source>
        <translation>Tier override</translation>
    </message>
    <message>
        <source>备份</source>
        <translation>Backup</translation>
    </message>
    <message>
        <source>会员卡</source>
        <translation>Card</translation>
    </message>
    <message>
        <source>时钟</source>
        <translation>Clock</translation>
    </message>
    <message>
        <source>营业日</source>
        <translation>Business day</translation>
    </message>
    <message>
        <source>导出</source>
        <translation>Export</translation>
    </message>
    <message>
        <source>会员历史记录</source>
        <translation>Member history</translation>
    </message>
    <message>
        <source>会员</source>
        <translation>Member</translation>
    </message>
    <message>
        <source>打印机</source>
        <translation>Printer</translation>
    </message>
    <message>
        <source>设置</source>
        <translation>Setting</translation>
    </message>
    <message>
        <source>班次</source>
        <translation>Shift</translation>
    </message>
    <message>
        <source>员工</source>
        <translation>Staff</translation>
    </message>
    <message>
        <source>门店</source>
        <translation>Store</translation>
    </message>
    <message>
        <source>商品</source>
        <translation>Item</translation>
    </message>
    <message>
        <source>商品分类</source>
        <translation>Item category</translation>
    </message>
    <message>
        <source>总部同步</source>
        <translation>HQ sync</translation>
    </message>
    <message>
        <source>交易</source>
        <translation>Transaction</translation>
    </message>
    <message>
        <source>挂单记录</source>
        <translation>Held cart</translation>
    </message>
    <message>
        <source>次卡</source>
        <translation>Count card</translation>
    </message>
    <message>
        <source>次卡产品</source>
        <translation>Count-card product</translation>
    </message>
    <message>
        <source>优惠券模板</source>
        <translation>Coupon template</translation>
    </message>
    <message>
        <source>会员标签</source>
        <translation>Member tag</translation>
    </message>
    <message>
        <source>服务工单</source>
        <translation>Service ticket</translation>
    </message>
    <message>
        <source>优惠券</source>
        <translation>Coupon</translation>
    </message>
    <message>
        <source>会员生命周期</source>
        <translation>Member lifecycle</translation>
    </message>
    <message>
        <source>备份与恢复(全部)</source>
        <translation>Backup and restore (all)</translation>
    </message>
    <message>
        <source>卡操作(全部)</source>
        <translation>Card operations (all)</translation>
    </message>
    <message>
        <source>挂单与取单(全部)</source>
        <translation>Held carts (all)</translation>
    </message>
    <message>
        <source>次卡(全部)</source>
        <translation>Count cards (all)</translation>
    </message>
    <message>
        <source>会员资料(全部)</source>
        <translation>Member records (all)</translation>
    </message>
    <message>
        <source>积分(全部)</source>
        <translation>Points (all)</translation>
    </message>
    <message>
        <source>开班与交班(全部)</source>
        <translation>Shifts (all)</translation>
    </message>
    <message>
        <source>员工(全部)</source>
        <translation>Staff (all)</translation>
    </message>
    <message>
        <source>储值(全部)</source>
        <translation>Stored value (all)</translation>
    </message>
</context>
<context>
    <name>cart</name>
    <message>
        <source>原价 {0} × {1} = {2}</source>
        <translation>List {0} × {1} = {2}</translation>
    </message>
    <message>
        <source>会员价 {0}({1}) {2}</source>
        <translation>Member price {0} ({1}) {2}</translation>
    </message>
    <message>
        <source>{0}折扣 {1} 折 {2}</source>
        <translation>{0} discount, {1}/10 of the price {2}</translation>
    </message>
    <message>
        <source>单价改为 {0}</source>
        <translation>unit price {0}</translation>
    </message>
    <message>
        <source>小计改为 {0}</source>
        <translation>line amount {0}</translation>
    </message>
    <message>
        <source>改价:{0} {1}</source>
        <translation>Price change: {0} {1}</translation>
    </message>
    <message>
        <source>商品券</source>
        <translation>item coupon</translation>
    </message>
    <message>
        <source>整单券</source>
        <translation>order coupon</translation>
    </message>
    <message>
        <source>优惠券 {0}({1}){2}</source>
        <translation>Coupon {0} ({1}) {2}</translation>
    </message>
    <message>
        <source>{0} 折</source>
        <translation>{0}/10 of the price</translation>
    </message>
    <message>
        <source>减 {0}</source>
        <translation>{0} off</translation>
    </message>
    <message>
        <source>整单折扣({0})分摊 {1}</source>
        <translation>Share of the order discount ({0}) {1}</translation>
    </message>
    <message>
        <source>抹零分摊 {0}</source>
        <translation>Share of the round-off {0}</translation>
    </message>
    <message>
        <source>积分抵现分摊({0} 分){1}</source>
        <translation>Share of the points ({0}) {1}</translation>
    </message>
    <message>
        <source>{0}:为什么是这个价
{1}
= {2}</source>
        <translation>{0}: why this price
{1}
= {2}</translation>
    </message>
</context>
<context>
    <name>coupons</name>
    <message>
        <source>满 {0} 减 {1}</source>
        <translation>{1} off {0} or more</translation>
    </message>
    <message>
        <source>每满 {0} 减 {1}</source>
        <translation>{1} off each {0}</translation>
    </message>
    <message>
        <source>{0} 折</source>
        <translation>pay {0}/10</translation>
    </message>
    <message>
        <source>兑换 {0} 一件</source>
        <translation>one {0} free</translation>
    </message>
    <message>
        <source>代金 {0}</source>
        <translation>{0} voucher</translation>
    </message>
</context>
<context>
    <name>dialog</name>
    <message>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
</context>
<context>
    <name>errors</name>
    <message>
        <source>磁盘或文件出错:{0}。请先在会员记录中核对这笔业务,再决定是否重做;详情见日志。</source>
        <translation>Disk or file error: {0}. Check the member&apos;s history for this operation before doing it again; details in the log.</translation>
    </message>
    <message>
        <source>操作出错。请先在会员记录中核对这笔业务,再决定是否重做;详情见日志。</source>
        <translation>The operation failed. Check the member&apos;s history for this operation before doing it again; details in the log.</translation>
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
        <source>结转(此前记录在总部)</source>
        <translation>Carried forward (earlier records at HQ)</translation>
    </message>
    <message>
        <source>总部作废(已冲回)</source>
        <translation>Voided by HQ (reversed)</translation>
    </message>
    <message>
        <source>总部更正</source>
        <translation>Corrected by HQ</translation>
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
        <source>购次卡</source>
        <translation>Count card bought</translation>
    </message>
    <message>
        <source>次卡消费</source>
        <translation>Count-card visit</translation>
    </message>
    <message>
        <source>退次卡</source>
        <translation>Count card refunded</translation>
    </message>
    <message>
        <source>转让次卡</source>
        <translation>Count card transferred</translation>
    </message>
    <message>
        <source>次卡过期</source>
        <translation>Count card expired</translation>
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
        <source>(部分退)</source>
        <translation> (part refunded)</translation>
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
        <source>次卡</source>
        <translation>Count card</translation>
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
<context>
    <name>import</name>
    <message>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>手机号</source>
        <translation>Phone</translation>
    </message>
    <message>
        <source>卡号</source>
        <translation>Card no.</translation>
    </message>
    <message>
        <source>储值余额(本金)</source>
        <translation>Stored value (principal)</translation>
    </message>
    <message>
        <source>赠送金余额</source>
        <translation>Bonus balance</translation>
    </message>
    <message>
        <source>积分</source>
        <translation>Points</translation>
    </message>
    <message>
        <source>生日</source>
        <translation>Birthday</translation>
    </message>
    <message>
        <source>性别</source>
        <translation>Gender</translation>
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
        <source>累计消费</source>
        <translation>Total spend</translation>
    </message>
    <message>
        <source>会员等级</source>
        <translation>Tier</translation>
    </message>
    <message>
        <source>会员状态</source>
        <translation>Member status</translation>
    </message>
    <message>
        <source>注册时间</source>
        <translation>Registered at</translation>
    </message>
    <message>
        <source>注册门店</source>
        <translation>Home store</translation>
    </message>
    <message>
        <source>备注</source>
        <translation>Notes</translation>
    </message>
    <message>
        <source>新建</source>
        <translation>New</translation>
    </message>
    <message>
        <source>重复行,跳过</source>
        <translation>Duplicate row, skipped</translation>
    </message>
    <message>
        <source>已是会员,跳过</source>
        <translation>Already a member, skipped</translation>
    </message>
    <message>
        <source>非会员行,跳过</source>
        <translation>Not a member, skipped</translation>
    </message>
    <message>
        <source>错误</source>
        <translation>Error</translation>
    </message>
    <message>
        <source>正常</source>
        <translation>active</translation>
    </message>
    <message>
        <source>冻结</source>
        <translation>frozen</translation>
    </message>
    <message>
        <source>挂失</source>
        <translation>lost</translation>
    </message>
    <message>
        <source>注销</source>
        <translation>cancelled</translation>
    </message>
    <message>
        <source>(不导入)</source>
        <translation>(not imported)</translation>
    </message>
    <message>
        <source>行号</source>
        <translation>Line</translation>
    </message>
    <message>
        <source>处理</source>
        <translation>Action</translation>
    </message>
    <message>
        <source>储值</source>
        <translation>Stored value</translation>
    </message>
    <message>
        <source>说明</source>
        <translation>Detail</translation>
    </message>
</context>
<context>
    <name>items</name>
    <message>
        <source>编码</source>
        <translation>Code</translation>
    </message>
    <message>
        <source>名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>零售价</source>
        <translation>Price</translation>
    </message>
    <message>
        <source>会员价</source>
        <translation>Member price</translation>
    </message>
    <message>
        <source>条码</source>
        <translation>Barcodes</translation>
    </message>
    <message>
        <source>分类</source>
        <translation>Category</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>State</translation>
    </message>
    <message>
        <source>在售</source>
        <translation>On sale</translation>
    </message>
    <message>
        <source>停售</source>
        <translation>Inactive</translation>
    </message>
</context>
<context>
    <name>report</name>
    <message>
        <source>无长短款</source>
        <translation>No difference</translation>
    </message>
    <message>
        <source>长款 {0}</source>
        <translation>Over {0}</translation>
    </message>
    <message>
        <source>短款 {0}</source>
        <translation>Short {0}</translation>
    </message>
    <message>
        <source>消费笔数</source>
        <translation>Sales</translation>
    </message>
    <message>
        <source>消费原价</source>
        <translation>Sales before discount</translation>
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
        <source>消费实收</source>
        <translation>Sales received</translation>
    </message>
    <message>
        <source>退款笔数</source>
        <translation>Refunds</translation>
    </message>
    <message>
        <source>退款金额</source>
        <translation>Refunded</translation>
    </message>
    <message>
        <source>净营业额</source>
        <translation>Net sales</translation>
    </message>
    <message>
        <source>按支付方式(净额)</source>
        <translation>By tender (net)</translation>
    </message>
    <message>
        <source>充值(储值负债,不计营业额)</source>
        <translation>Top-ups (liability, not sales)</translation>
    </message>
    <message>
        <source>充值笔数</source>
        <translation>Top-ups</translation>
    </message>
    <message>
        <source>充值实收</source>
        <translation>Top-ups received</translation>
    </message>
    <message>
        <source>赠送金额</source>
        <translation>Bonus granted</translation>
    </message>
    <message>
        <source>充值退款</source>
        <translation>Top-up refunds</translation>
    </message>
    <message>
        <source>现金收入</source>
        <translation>Cash in</translation>
    </message>
    <message>
        <source>找零</source>
        <translation>Change given</translation>
    </message>
    <message>
        <source>现金退出</source>
        <translation>Cash paid back</translation>
    </message>
    <message>
        <source>现金净额</source>
        <translation>Net cash</translation>
    </message>
    <message>
        <source>已日结 {0}</source>
        <translation>Closed by {0}</translation>
    </message>
    <message>
        <source>预览(未日结)</source>
        <translation>Preview (not closed)</translation>
    </message>
    <message>
        <source>营业日</source>
        <translation>Business date</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>新会员</source>
        <translation>New members</translation>
    </message>
    <message>
        <source>导入会员</source>
        <translation>Members imported</translation>
    </message>
    <message>
        <source>发卡</source>
        <translation>Cards issued</translation>
    </message>
    <message>
        <source>补卡</source>
        <translation>Cards replaced</translation>
    </message>
    <message>
        <source>注销</source>
        <translation>Cards cancelled</translation>
    </message>
    <message>
        <source>挂失</source>
        <translation>Cards reported lost</translation>
    </message>
    <message>
        <source>日结时负债</source>
        <translation>Liability at close</translation>
    </message>
    <message>
        <source>储值本金</source>
        <translation>Principal</translation>
    </message>
    <message>
        <source>赠送金</source>
        <translation>Bonus</translation>
    </message>
    <message>
        <source>储值合计</source>
        <translation>Stored value total</translation>
    </message>
    <message>
        <source>积分余额</source>
        <translation>Points outstanding</translation>
    </message>
    <message>
        <source>其中他台迟到业务(储值)</source>
        <translation>Of which late from other counters (stored value)</translation>
    </message>
    <message>
        <source>其中他台迟到业务(积分)</source>
        <translation>Of which late from other counters (points)</translation>
    </message>
    <message>
        <source>收银员长短款</source>
        <translation>Over/short by cashier</translation>
    </message>
    <message>
        <source>长短款合计</source>
        <translation>Over/short total</translation>
    </message>
    <message>
        <source>班次外现金</source>
        <translation>Cash outside shifts</translation>
    </message>
    <message>
        <source>没有未交班的班次</source>
        <translation>No shift is open</translation>
    </message>
    <message>
        <source>收银员</source>
        <translation>Cashier</translation>
    </message>
    <message>
        <source>开班时间</source>
        <translation>Opened</translation>
    </message>
    <message>
        <source>备用金</source>
        <translation>Float</translation>
    </message>
    <message>
        <source>应有现金</source>
        <translation>Expected cash</translation>
    </message>
    <message>
        <source>已点现金</source>
        <translation>Counted cash</translation>
    </message>
    <message>
        <source>清点现金</source>
        <translation>Counted cash</translation>
    </message>
    <message>
        <source>长短款</source>
        <translation>Over/short</translation>
    </message>
    <message>
        <source>原因</source>
        <translation>Reason</translation>
    </message>
</context>
<context>
    <name>reports</name>
    <message>
        <source>收银员</source>
        <translation>Cashier</translation>
    </message>
    <message>
        <source>消费笔数</source>
        <translation>Sales</translation>
    </message>
    <message>
        <source>消费金额</source>
        <translation>Sales amount</translation>
    </message>
    <message>
        <source>退款金额</source>
        <translation>Refunded</translation>
    </message>
    <message>
        <source>充值金额</source>
        <translation>Top-up amount</translation>
    </message>
    <message>
        <source>登记会员</source>
        <translation>Members registered</translation>
    </message>
    <message>
        <source>班次</source>
        <translation>Shifts</translation>
    </message>
    <message>
        <source>长短款</source>
        <translation>Over/short</translation>
    </message>
</context>
<context>
    <name>rules</name>
    <message>
        <source>代码</source>
        <translation>Code</translation>
    </message>
    <message>
        <source>等级名称</source>
        <translation>Tier name</translation>
    </message>
    <message>
        <source>累计消费门槛(元)</source>
        <translation>Spend threshold (yuan)</translation>
    </message>
    <message>
        <source>折扣(%)</source>
        <translation>Discount (%)</translation>
    </message>
    <message>
        <source>积分倍率</source>
        <translation>Points multiplier</translation>
    </message>
    <message>
        <source>单次充值满(元)</source>
        <translation>Top-up of at least (yuan)</translation>
    </message>
    <message>
        <source>赠送(元)</source>
        <translation>Bonus (yuan)</translation>
    </message>
</context>
</TS>
