"""Settings (managers and admins): this counter's language and idle lock; the store's details."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QLabel, QSpinBox, QWidget

from ui.dialogs.base import OpDialog, caption
from ui.i18n import LANGUAGES
from ui.prefs import Prefs
from ui.session import Session


class SettingsDialog(OpDialog):
    def __init__(self, session: Session, prefs: Prefs, parent: QWidget | None = None) -> None:
        super().__init__(session, self.tr("设置"), parent)
        self.prefs = prefs
        store = session.store
        box = QGroupBox(self.tr("门店"), self)
        form = QFormLayout(box)
        if store is not None:
            form.addRow(self.tr("门店名称"), QLabel(store.name, box))
            form.addRow(self.tr("门店编码"), QLabel(store.code, box))
            form.addRow(self.tr("时区"), QLabel(store.timezone, box))
            form.addRow(self.tr("本机编号"), QLabel(store.device_id, box))
        self.body.addWidget(box)
        box = QGroupBox(self.tr("本机"), self)
        form = QFormLayout(box)
        self.language = QComboBox(box)
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(list(LANGUAGES).index(prefs.language))
        form.addRow(self.tr("界面语言 / Language"), self.language)
        self.idle = QSpinBox(box)
        self.idle.setRange(0, 120)
        self.idle.setSuffix(self.tr(" 分钟"))
        self.idle.setSpecialValueText(self.tr("不自动锁屏"))
        self.idle.setValue(prefs.idle_lock_minutes)
        form.addRow(self.tr("无操作自动锁屏"), self.idle)
        self.body.addWidget(box)
        self.body.addWidget(caption(self.tr("设置保存在本机,下次启动仍然有效。"), self))
        self.confirm_button.setText(self.tr("保存 (Enter)"))

    def perform(self) -> None:
        self.prefs.language = self.language.currentData()
        self.prefs.idle_lock_minutes = self.idle.value()
        self.result_value = True
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget, session: Session, prefs: Prefs) -> bool:
        return bool(cls(session, prefs, parent).exec())
