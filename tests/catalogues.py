"""A small compiled catalogue for tests that switch the language (no shipped .po needed)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from app import i18n, paths

# (context or None, English, translation); a plural's English and translation are pairs.
Entry = tuple[str | None, str | tuple[str, str], str | tuple[str, str]]


@contextmanager
def catalogue(
    folder: Path, monkeypatch: pytest.MonkeyPatch, entries: Iterable[Entry], language: str = "de"
) -> Iterator[i18n.Translator]:
    """Write `entries` as the catalogue of `language` under `folder`, point the program's
    translations there and yield the language's translator; afterwards the screen is
    English again and no catalogue stays cached."""
    catalog = Catalog(locale=language, domain=i18n.DOMAIN)
    for context, english, translated in entries:
        catalog.add(english, translated, context=context)
    target = folder / language / "LC_MESSAGES"
    target.mkdir(parents=True, exist_ok=True)
    with (target / f"{i18n.DOMAIN}.mo").open("wb") as file:
        write_mo(file, catalog)
    monkeypatch.setattr(paths, "translations_dir", lambda: folder)
    i18n.translator.cache_clear()
    try:
        yield i18n.translator(language)
    finally:
        i18n.set_language(i18n.SOURCE_LANGUAGE)
        i18n.translator.cache_clear()
