"""The manager's day (F10): shifts, daily close, reports, import and export, audit, rules."""
