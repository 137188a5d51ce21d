"""Answering QMessageBox's static boxes in the tests, keeping what each one said."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox


def answer(monkeypatch: pytest.MonkeyPatch, kind: str, reply=None) -> list[str]:  # type: ignore[no-untyped-def]
    """Answer every QMessageBox.<kind> box with `reply`; returns what they said, each as
    "title: text"."""
    said: list[str] = []

    def box(parent, title, text, *args, **kwargs):  # type: ignore[no-untyped-def]
        said.append(f"{title}: {text}")
        return reply

    monkeypatch.setattr(QMessageBox, kind, staticmethod(box))
    return said
