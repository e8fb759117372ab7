"""The member's manual tags (Ctrl+T, or 标签 on the member panel): each tag a button that is
on or off; 1–9 switch them, Enter saves what changed (one transaction), Esc cancels. A tag
only a manager may set is shown, greyed, to others."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QWidget

from app.services import tags
from app.services.lookup import MemberView
from ui.dialogs.base import OpDialog, caption, run_modal
from ui.ops import Op
from ui.session import Session

COLUMNS = 3


class TagDialog(OpDialog):
    def __init__(self, session: Session, member: MemberView, parent: QWidget | None = None) -> None:
        super().__init__(session, self.tr("会员标签"), parent)
        self.member = member
        self.choices: list[tags.TagChoice] = []
        self.buttons: list[QPushButton] = []
        self.body.addWidget(QLabel(self.tr("{0} 的标签").format(member.name), self))
        self.grid = QGridLayout()
        self.body.addLayout(self.grid)
        self.hint = caption(self.tr("正在读取标签…"), self)
        self.body.addWidget(self.hint)
        self.confirm_button.setText(self.tr("保存 (Enter)"))
        self.confirm_button.setEnabled(False)
        ctx, actor, q = session.ctx, session.cashier, member.member_id
        Op(session.tasks, lambda: tags.choices(ctx, actor, q), owner=self, read=True).success(
            self._loaded
        ).run()

    def _loaded(self, found: list[tags.TagChoice]) -> None:
        self.choices = found
        for i, c in enumerate(found):
            key = f"{i + 1}  " if i < 9 else ""
            b = QPushButton(key + c.name, self)
            b.setCheckable(True)
            b.setChecked(c.present)
            b.setEnabled(c.allowed)
            b.setAutoDefault(False)
            b.setMinimumHeight(48)
            b.setProperty("role", "preset")
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the dialog keeps 1–9 and Enter
            if not c.allowed:
                b.setToolTip(self.tr("只有店长可以设置或取消此标签"))
            b.toggled.connect(lambda _on: self.revalidate())
            self.buttons.append(b)
            self.grid.addWidget(b, i // COLUMNS, i % COLUMNS)
        self.hint.setText(
            self.tr("按数字键选择或取消标签,按 Enter 保存")
            if found
            else self.tr("本店还没有手动标签")
        )
        self.revalidate()

    def changes(self) -> dict[str, bool]:
        return {
            c.code: b.isChecked()
            for c, b in zip(self.choices, self.buttons, strict=True)
            if b.isChecked() != c.present
        }

    def problem(self) -> str | None:
        if not self.choices:
            return None if not self.buttons else self.tr("没有可设置的标签")
        return None if self.changes() else self.tr("标签没有改动")

    def revalidate(self) -> None:
        super().revalidate()
        if not self.choices:
            self.confirm_button.setEnabled(False)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """1–9 switch the tag of that number."""
        text = event.text()
        if text.isdigit() and text != "0" and int(text) <= len(self.buttons) and not self.busy:
            b = self.buttons[int(text) - 1]
            if b.isEnabled():
                b.toggle()
            return
        super().keyPressEvent(event)

    def perform(self) -> None:
        ctx, actor, q, wanted = (
            self.session.ctx,
            self.session.cashier,
            self.member.member_id,
            (self.changes()),
        )
        self.run(lambda: tags.set_tags(ctx, actor, q, wanted))

    @classmethod
    def ask(
        cls, parent: QWidget, session: Session, member: MemberView
    ) -> list[tags.MemberTagView] | None:
        dialog = cls(session, member, parent)
        return dialog.result_value if run_modal(dialog) else None
