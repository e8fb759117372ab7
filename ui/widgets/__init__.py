"""Small reusable widgets: numeric keypad, money entry, scan box."""
