"""A child process for the window benchmark: start, reach an idle screen, report, quit.

    python -m tests.benchmarks.window_probe app DATA_DIR    # the counter, as member-counter starts
    python -m tests.benchmarks.window_probe bare            # a bare PySide6 window (the baseline)

Prints one JSON line once the first screen has been painted and the event loop is idle:
the wall-clock time then (the parent subtracts the time it started the process), peak RSS,
and for ``app`` which heavy modules were loaded by then, when the counter behind the
sign-in screen had opened (``opened``, with the peak RSS then), and how long closing took
once it had (close() to the end of ``member-counter``'s run).
"""

from __future__ import annotations

import json
import resource
import sys
import time

HEAVY = ("openpyxl", "escpos", "requests", "pydantic", "alembic", "sqlalchemy", "PySide6.QtCharts")


def _report(**fields: object) -> None:
    print(json.dumps(fields), flush=True)


def _peak_rss_mb() -> float:
    """This program's peak resident memory. Linux's VmHWM: ru_maxrss would also count the
    parent's pages at fork (a test runner's hundreds of MB), kept across exec."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_s() -> float:
    """CPU time of this process so far (less sensitive than wall time to a busy machine)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def bare() -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setCentralWidget(QLabel("会员收银台"))
    window.showMaximized()

    def idle() -> None:
        ready = time.time()
        _report(ready=ready, cpu_s=_cpu_s(), peak_rss_mb=_peak_rss_mb())
        window.close()
        app.quit()

    QTimer.singleShot(0, idle)
    app.exec()


def counter(data_dir: str) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    state: dict[str, float] = {}
    real_exec = QApplication.exec

    def exec_and_measure(*args: object) -> int:
        def idle() -> None:
            state["ready"] = time.time()
            state["cpu_s"] = _cpu_s()
            state["peak_rss_mb"] = _peak_rss_mb()
            state["modules"] = len(sys.modules)
            state["heavy"] = sorted(m for m in HEAVY if m in sys.modules)  # type: ignore[assignment]
            wait_for_counter()

        def wait_for_counter() -> None:
            # The counter opens behind the sign-in screen; a cashier closes the window long
            # after that, so closing is measured once it is open.
            window = next(w for w in QApplication.topLevelWidgets() if w.isVisible())
            if not window.session.opened:  # type: ignore[attr-defined]
                QTimer.singleShot(5, wait_for_counter)
                return
            state["opened"] = time.time()
            state["opened_peak_rss_mb"] = _peak_rss_mb()
            state["opened_heavy"] = sorted(m for m in HEAVY if m in sys.modules)  # type: ignore[assignment]
            state["closing"] = time.perf_counter()
            window.close()

        QTimer.singleShot(0, idle)
        return real_exec(*args)

    QApplication.exec = staticmethod(exec_and_measure)  # type: ignore[method-assign]
    import launcher

    launcher.main(["--data-dir", data_dir])
    closed = time.perf_counter() - state["closing"]
    _report(
        ready=state["ready"],
        cpu_s=state["cpu_s"],
        peak_rss_mb=state["peak_rss_mb"],
        opened=state["opened"],
        opened_peak_rss_mb=state["opened_peak_rss_mb"],
        close_ms=closed * 1000,
        modules=state["modules"],
        heavy=state["heavy"],
        opened_heavy=state["opened_heavy"],
    )


if __name__ == "__main__":
    if sys.argv[1] == "bare":
        bare()
    else:
        counter(sys.argv[2])
