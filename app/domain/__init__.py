"""Pure business rules over plain values (standard library only)."""
