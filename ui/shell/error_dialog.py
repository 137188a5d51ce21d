"""Errors in words: the ones a user can act on say what to do; the rest are logged with
their traceback, and the message says where the log is."""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from app.i18n import _
from app.services import errors

log = logging.getLogger(__name__)

ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], object]


def problem_box(
    exc: BaseException, log_file: Path | None, parent: QWidget | None = None
) -> QMessageBox:
    """The message box for an error: its problem in words, or that something went wrong
    and where the details were written."""
    problem = errors.user_problem(exc)
    if problem is not None:
        box = QMessageBox(QMessageBox.Icon.Warning, problem.title, problem.message, parent=parent)
        box.setDetailedText(f"{type(exc).__name__}: {exc}")
    else:
        error = f"{type(exc).__name__}: {exc}"
        if log_file:
            text = _(
                "Showroom met an error it did not expect, and the last action may not have "
                "been completed.\n\n{error}\n\nThe details were written to the log:\n"
                "{log_file}\n\nIf it happens again, send that file to whoever looks after "
                "Showroom at your site."
            ).format(error=error, log_file=log_file)
        else:
            # (No log to point to: say what happened, and whom to tell.)
            text = _(
                "Showroom met an error it did not expect, and the last action may not have "
                "been completed.\n\n{error}\n\nIf it happens again, tell whoever looks after "
                "Showroom at your site."
            ).format(error=error)
        box = QMessageBox(QMessageBox.Icon.Critical, _("Something went wrong"), text, parent=parent)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    return box


def log_error(exc: BaseException, tb: TracebackType | None = None) -> None:
    """The user's problems in one line; anything else with its whole traceback."""
    if errors.user_problem(exc) is not None:
        log.warning("%s: %s", type(exc).__name__, exc)
    else:
        log.error(
            "unexpected error\n%s",
            "".join(traceback.format_exception(type(exc), exc, tb or exc.__traceback__)),
        )


class ExceptionHook:
    """sys.excepthook for the program: an exception nobody caught (in a slot, say) is
    logged and shown, and the program goes on."""

    def __init__(self, log_file: Path | None, previous: ExceptHook | None = None) -> None:
        self.log_file = log_file
        self.previous = previous
        self._showing = False

    def __call__(
        self, kind: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(kind, KeyboardInterrupt | SystemExit):
            if self.previous is not None:
                self.previous(kind, exc, tb)
            return
        log_error(exc, tb)
        if self._showing or QApplication.instance() is None:
            return  # one box at a time; the log has the rest
        self._showing = True
        try:
            parent = QApplication.activeWindow()
            problem_box(exc, self.log_file, parent).exec()
        finally:
            self._showing = False


def install_excepthook(log_file: Path | None) -> ExceptionHook:
    hook = ExceptionHook(log_file, sys.excepthook)
    sys.excepthook = hook
    return hook
