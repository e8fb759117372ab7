"""Hardware adapters: barcode scanner, receipt printer, cash drawer and customer display."""
