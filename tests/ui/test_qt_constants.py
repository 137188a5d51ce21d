"""The one module of Qt constants: what it holds, and that the window frame does not load it."""

from __future__ import annotations

import subprocess
import sys
from enum import Enum

import ui.common.qt as qt


def test_every_constant_is_a_qt_enum_member_or_made_of_them() -> None:
    names = [n for n in dir(qt) if n.isupper()]
    assert len(names) >= 100
    for name in names:
        value = getattr(qt, name)
        members = value if isinstance(value, tuple) else (value,)
        assert all(isinstance(m, Enum | int) for m in members), name


def test_the_window_frame_does_not_build_the_screens_constants() -> None:
    # Building the Python types of these enums would slow start-up's first paint.
    probe = "import sys, ui.shell.main_window; print('ui.common.qt' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "False"
