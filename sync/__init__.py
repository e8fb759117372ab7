"""Counter-side sync with HQ: outbox push, change pull, wire schemas and request signing."""
