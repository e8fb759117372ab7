"""Hardware adapters: barcode scanner, receipt printer, cash drawer and customer display.

The core (``app``) never imports this package; the composition root wires it in:

- Receipts: after a service commits, ``app.services.printing.enqueue_receipt(ctx, txn_id)``
  queues the receipt; a :class:`devices.print_queue.PrintQueueWorker` (its own thread) prints
  queued jobs on the configured printer, with ``on_job(job)`` / ``on_printer(online, detail)``
  callbacks to bridge to Qt signals; ``worker.wake()`` after queueing. With no printer, show
  ``app.services.receipts.receipt_preview(ctx, txn_id)``. Reprint:
  ``enqueue_receipt(ctx, txn_id, reprint=True)``; retry a failed job: ``printing.retry``.
- Printer settings screen: ``app.services.settings`` (``PrinterSettings``, ``ReceiptTemplate``),
  ``devices.transports.profile_names()``, ``usb_printers()``, ``windows_printers()``,
  ``devices.serial_scanner.list_serial_ports()``, and
  ``devices.escpos_printer.EscposReceiptPrinter(settings).print_test_page()``.
- Scanners: feed every key of the scan box to a ``devices.wedge.WedgeDetector``
  (``detector_from_settings(scanner_settings(ctx))``); a serial scanner is
  ``devices.serial_scanner.scanner_from_settings(settings, on_scan, on_state=...)`` started
  and stopped by the window.
- Customer display: ``devices.pole_display.display_from_settings(display_settings(ctx))``
  (None unless the store turned it on), then ``show_due`` / ``show_paid`` /
  ``show_balance``.
- Tests of the window: ``devices.fake.FakePrinter`` and ``FakeDisplay``.
"""
