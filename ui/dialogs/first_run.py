"""First run on a counter without a store: try the demo store, or set up the real one."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QPushButton, QWidget

from app.domain.messages import render
from app.domain.pins import pin_problem
from app.services.demo import create_demo_store
from app.services.store import StoreInfo, init_store
from ui.dialogs.base import OpDialog, caption, run_modal
from ui.dialogs.recovery_code import RecoveryCodeDialog
from ui.session import Session
from ui.widgets.fields import DigitsEdit, LatinEdit


class FirstRunDialog(OpDialog):
    """Enter (the default) creates the demo store; the form below creates a real one."""

    def __init__(self, session: Session, data_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(session, self.tr("欢迎使用会员收银台"), parent)
        self.data_dir = data_dir
        title = QLabel(self.tr("这台收银机还没有门店数据"), self)
        title.setProperty("role", "title")
        self.body.addWidget(title)
        self.body.addWidget(
            caption(
                self.tr(
                    "先试用:建立一个演示门店,带演示员工和会员(密码会显示在登录页)。\n"
                    "正式使用:填写门店编码、名称和管理员密码,建立自己的门店。"
                ),
                self,
            )
        )
        self.demo_button = QPushButton(self.tr("建立演示门店并开始试用"), self)
        self.demo_button.setProperty("role", "primary")
        self.demo_button.clicked.connect(self.create_demo)
        self.body.addWidget(self.demo_button)
        form = QFormLayout()
        self.code = LatinEdit(self)  # SH001: letters the pinyin IME would take
        self.code.setObjectName("storeCode")
        self.code.setPlaceholderText(self.tr("如 SH001"))
        self.name = QLineEdit(self)
        self.name.setObjectName("storeName")
        self.name.setPlaceholderText(self.tr("如 上海南京路店"))
        self.pin = DigitsEdit(8, self)
        self.pin.setObjectName("adminPin")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin2 = DigitsEdit(8, self)
        self.pin2.setObjectName("adminPin2")
        self.pin2.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("门店编码"), self.code)
        form.addRow(self.tr("门店名称"), self.name)
        form.addRow(self.tr("管理员密码"), self.pin)
        form.addRow(self.tr("再输一次"), self.pin2)
        self.body.addLayout(form)
        hint = self.tr("管理员工号 admin,密码 4–8 位数字(建议 6 位);建立后会显示一次恢复码。")
        self.body.addWidget(caption(hint, self))
        self.confirm_button.setText(self.tr("建立我的门店"))
        self.confirm_button.setDefault(False)
        self.demo_button.setDefault(True)
        for f in (self.code, self.name, self.pin, self.pin2):
            f.textChanged.connect(self.revalidate)
        # Room for a two-line message, so the form keeps its size when one appears.
        self.error.setMinimumHeight(2 * self.error.fontMetrics().lineSpacing() + 4)
        self.revalidate()
        self.error.clear()
        self.code.setFocus()  # Enter on the empty form still starts the demo (the default)

    def problem(self) -> str | None:
        if not (self.code.text().strip() and self.name.text().strip()):
            return self.tr("建立自己的门店:请填写门店编码和名称")
        if len(self.pin.text()) < 4:
            return self.tr("管理员密码应为 4–8 位数字")
        if pin_problem(self.pin.text()) == "pin_trivial":
            return render("pin_trivial")
        if self.pin.text() != self.pin2.text():
            return self.tr("两次输入的密码不一致")
        return None

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not self.busy:
            if self.code.text() or self.name.text() or self.pin.text():
                self.enter_pressed()  # the form's grammar: on to the next field, then create
            else:
                self.create_demo()
            return
        super().keyPressEvent(event)

    def create_demo(self) -> None:
        if self.busy:
            return
        data_dir = self.data_dir
        self.demo_button.setEnabled(False)
        self.run(lambda: create_demo_store(data_dir))

    def perform(self) -> None:
        ctx = self.session.ctx
        code, name, pin = self.code.text().strip(), self.name.text().strip(), self.pin.text()
        self.run(lambda: init_store(ctx, code=code, name=name, admin_pin=pin), self._created)

    def _created(self, info: StoreInfo) -> None:
        """The store exists: its recovery code is shown once, then the counter starts."""
        if info.recovery_code:
            RecoveryCodeDialog.ask(self, info.recovery_code)
        self.accept()

    def on_refused(self, exc: BaseException) -> None:
        self.demo_button.setEnabled(True)

    @classmethod
    def ask(cls, parent: QWidget | None, session: Session, data_dir: Path) -> bool:
        return bool(run_modal(cls(session, data_dir, parent)))
