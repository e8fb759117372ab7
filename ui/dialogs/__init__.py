"""The counter's dialogs; each has an ``ask(parent, session, ...)`` classmethod."""
