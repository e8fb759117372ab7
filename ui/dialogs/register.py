"""Register a member (F1): the fields of the core's registration, consent required."""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLineEdit,
    QPushButton,
    QWidget,
)

from app.domain.consent import CURRENT_WORDING, MARKETING, SMS, WORDINGS
from app.domain.errors import CounterError
from app.domain.phone import normalise_phone
from app.services.lookup import MemberView
from app.services.members import Registration, register_member
from ui.dialogs.base import OpDialog, caption, run_modal
from ui.session import Session
from ui.widgets.fields import DigitsEdit, LatinEdit

MARKETING_SMS = CURRENT_WORDING[(MARKETING, SMS)]


class RegisterDialog(OpDialog):
    def __init__(self, session: Session, phone: str = "", parent: QWidget | None = None) -> None:
        super().__init__(session, self.tr("登记会员"), parent)
        self.existing_phone: str | None = None
        form = QFormLayout()
        self.phone = DigitsEdit(11, self)
        self.phone.setText(phone)
        self.phone.setPlaceholderText(self.tr("11 位手机号"))
        self.name = QLineEdit(self)
        self.name.setMaxLength(32)
        self.name.setPlaceholderText(self.tr("会员姓名"))
        self.gender = QComboBox(self)
        self.gender.addItem(self.tr("不填"), None)
        self.gender.addItem(self.tr("男"), "m")
        self.gender.addItem(self.tr("女"), "f")
        self.birthday = LatinEdit(self)
        self.birthday.setPlaceholderText(self.tr("YYYY-MM-DD(选填)"))
        self.card_no = LatinEdit(self, accepts_scan=True)
        self.card_no.setPlaceholderText(self.tr("刷实体卡(选填,不填则自动发电子卡)"))
        self.email = QLineEdit(self)
        self.email.setPlaceholderText(self.tr("选填"))
        self.address = QLineEdit(self)
        self.address.setPlaceholderText(self.tr("选填"))
        self.referrer = QLineEdit(self)
        self.referrer.setPlaceholderText(self.tr("推荐人手机号或卡号(选填)"))
        form.addRow(self.tr("手机号 *"), self.phone)
        form.addRow(self.tr("姓名 *"), self.name)
        form.addRow(self.tr("性别"), self.gender)
        form.addRow(self.tr("生日"), self.birthday)
        form.addRow(self.tr("会员卡"), self.card_no)
        form.addRow(self.tr("邮箱"), self.email)
        form.addRow(self.tr("地址"), self.address)
        form.addRow(self.tr("推荐人"), self.referrer)
        self.body.addLayout(form)
        self.body.addWidget(
            caption(
                self.tr(
                    "《会员服务协议》和《隐私政策》:会员同意门店保存并使用其信息提供会员服务。"
                ),
                self,
            )
        )
        self.consent = QCheckBox(self.tr("会员已阅读并同意 *(空格勾选)"), self)
        self.consent.setObjectName("consent")
        self.body.addWidget(self.consent)
        # Marketing consent is its own opt-in, off unless the member asks for it (the wording
        # read to them shown with its version: the ledger keeps which one they agreed to).
        wording = WORDINGS[MARKETING_SMS]
        self.marketing = QCheckBox(
            self.tr("同意接收营销短信(选填,文本版本 {0})").format(wording.version), self
        )
        self.marketing.setObjectName("marketing_consent")
        self.marketing.setChecked(False)
        self.marketing.setToolTip(wording.text)
        self.body.addWidget(self.marketing)
        self.body.addWidget(caption(wording.text, self))
        # The required fields first, as the eye reads them: phone, name, consent (Enter after
        # the name goes to the consent, Space ticks it, Enter registers); then the marketing
        # opt-in (Tab), the rest after.
        chain = (self.phone, self.name, self.consent, self.marketing, self.gender, self.birthday)
        for a, b in pairwise((*chain, self.card_no, self.email, self.address, self.referrer)):
            QWidget.setTabOrder(a, b)
        self.body.addWidget(caption(self.tr("带 * 的为必填项。"), self))
        self.open_existing = QPushButton(self.tr("打开已有会员"), self)
        self.open_existing.hide()
        self.open_existing.clicked.connect(self._open_existing)
        self.body.addWidget(self.open_existing)
        self.confirm_button.setText(self.tr("登记 (Enter)"))
        for field in (self.phone, self.name, self.birthday):
            field.textChanged.connect(self.revalidate)
        self.consent.toggled.connect(self.revalidate)
        (self.name if phone else self.phone).setFocus()
        self.revalidate()

    def problem(self) -> str | None:
        phone = self.phone.text().strip()
        if not phone:
            return self.tr("请输入手机号")
        try:
            normalise_phone(phone)
        except CounterError as exc:
            return exc.message
        if not self.name.text().strip():
            return self.tr("请输入姓名")
        if not self.consent.isChecked():
            return self.tr("请会员确认同意隐私政策后再登记")
        return None

    def needed_field(self) -> QWidget | None:
        if self.name.text().strip() and self.phone.text().strip() and not self.consent.isChecked():
            return self.consent
        return None

    def registration(self) -> Registration:
        def opt(field: QLineEdit) -> str | None:
            return field.text().strip() or None

        return Registration(
            name=self.name.text().strip(),
            phone=self.phone.text().strip(),
            consent=self.consent.isChecked(),
            birthday=opt(self.birthday),
            gender=self.gender.currentData(),
            email=opt(self.email),
            address=opt(self.address),
            referrer=opt(self.referrer),
            source="counter",
            card_no=opt(self.card_no),
            marketing_consent=self.marketing.isChecked(),
            marketing_channel="sms",
        )

    def perform(self) -> None:
        ctx, actor, reg = self.session.ctx, self.session.cashier, self.registration()
        self.open_existing.hide()
        self.run(lambda: register_member(ctx, actor, reg))

    def on_refused(self, exc: BaseException) -> None:
        if isinstance(exc, CounterError) and exc.code == "phone_duplicate":
            self.open_existing.show()

    def _open_existing(self) -> None:
        self.existing_phone = self.phone.text().strip()
        self.done(2)

    @classmethod
    def ask(cls, parent: QWidget, session: Session, phone: str = "") -> MemberView | str | None:
        """The new member, or the phone of an existing member to open, or None."""
        dialog = cls(session, phone, parent)
        code = run_modal(dialog)
        if code == 2:
            return dialog.existing_phone
        return dialog.result_value if code else None
