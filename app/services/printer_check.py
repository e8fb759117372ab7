"""The printer test page's answer: the person looks at the paper and says whether it printed
correctly (打印正常), did not print (未打印), or printed garbled Chinese (乱码). The printer's
own status answer cannot tell a wrong encoding from a right one, and a Windows printer or a
file cannot answer at all: the person's answer is what says the printer is set up, so it is
recorded in the audit log with the settings it was printed with."""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.errors import ValidationError
from app.services.context import CounterContext
from app.services.recording import record
from app.services.security import Actor, Permission, require
from app.services.settings import PrinterSettings

OK, NOT_PRINTED, GARBLED = "ok", "not_printed", "garbled"
ANSWERS = (OK, NOT_PRINTED, GARBLED)


@dataclass(frozen=True)
class TestPageAnswer:
    answer: str
    address: str
    encoding: str
    width: int
    printer_confirmed: bool  # the printer itself answered its status after the page


def record_test_page(
    ctx: CounterContext,
    actor: Actor,
    settings: PrinterSettings,
    answer: str,
    *,
    printer_confirmed: bool,
) -> TestPageAnswer:
    """Record what the person saw on the test page printed with ``settings`` (one audit
    entry, local to this counter: nothing goes to HQ)."""
    require(actor, Permission.SETTINGS_EDIT)
    if answer not in ANSWERS:
        raise ValidationError("setting_invalid", detail=f"answer {answer}")
    result = TestPageAnswer(
        answer=answer,
        address=settings.address,
        encoding=settings.encoding,
        width=settings.width,
        printer_confirmed=printer_confirmed,
    )
    with ctx.uow() as uow:
        record(
            ctx,
            uow,
            actor,
            action="printer.test_page",
            entity="printer",
            entity_id=None,
            before=None,
            after={
                "answer": answer,
                "address": settings.address,
                "encoding": settings.encoding,
                "width": settings.width,
                "printer_confirmed": printer_confirmed,
            },
            event_type=None,
            payload={},
        )
        uow.commit()
    return result
