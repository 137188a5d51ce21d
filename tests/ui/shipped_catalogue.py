"""The shipped catalogue of a language, compiled into tmp_path for a test: the screens read
what the program ships, whether or not `texts compile` ran in the working copy."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app import i18n, paths

ROOT = Path(__file__).resolve().parent.parent.parent


def compile_shipped(folder: Path, language: str) -> Path:
    """Copy the language's .po into `folder` and compile it there with scripts/texts.py."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import texts
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    source = ROOT / "resources" / "translations" / language / "LC_MESSAGES" / "showroom.po"
    target = folder / language / "LC_MESSAGES"
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(source, target / "showroom.po")
    assert texts.compile_all(folder) == 0
    return folder


def use_shipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, language: str) -> Iterator[None]:
    """For a fixture: the screen speaks `language` from its shipped catalogue, Qt's own
    texts too, while the test runs; English again afterwards."""
    from ui.shell.language import set_language

    folder = compile_shipped(tmp_path / "translations", language)
    monkeypatch.setattr(paths, "translations_dir", lambda: folder)
    i18n.translator.cache_clear()
    set_language(language)
    yield
    set_language(i18n.SOURCE_LANGUAGE)
    i18n.translator.cache_clear()
