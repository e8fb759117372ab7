"""PySide6 desktop UI: windows, dialogs, table models, op runner and Qt bridges."""
