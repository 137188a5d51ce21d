"""Fixtures of the screens' tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from ui.common import workstation


@pytest.fixture
def workstation_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> QSettings:
    """The workstation's settings (which server it opens) in a file of the test's own."""
    kept = QSettings(str(tmp_path / "workstation.ini"), QSettings.Format.IniFormat)
    monkeypatch.setattr(workstation, "workstation_settings", lambda: kept)
    return kept
