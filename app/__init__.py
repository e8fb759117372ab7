"""The counter's core: domain rules, services and persistence. No Qt, no serial, no HTTP."""
