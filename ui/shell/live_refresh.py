"""The window reads again what another workstation saved, within a second or two and
without the user pressing Refresh: a timer asks app.services.live which kinds of record
changed elsewhere and hands each to the window as if one of its own dialogs had saved it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

from app.services import live

# Often enough that a change shows within two seconds, rarely enough to cost nothing (one
# PRAGMA on SQLite; a look at the listening socket on the server).
INTERVAL_MS = 600


class LiveRefresh(QObject):
    def __init__(self, changed: Callable[[str, int], None], parent: QObject) -> None:
        super().__init__(parent)
        self.changed = changed
        self.watch = live.watch()
        self.timer = QTimer(self)
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(self.poll)
        self.timer.start()

    def poll(self) -> None:
        for kind in sorted(self.watch.poll()):
            self.changed(kind, 0)

    def stop(self) -> None:
        self.timer.stop()
        self.watch.close()
