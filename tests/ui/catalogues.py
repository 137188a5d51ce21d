"""A small test catalogue in place of the shipped ones, for the tests that switch the
screen's language at run time."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from app import i18n, paths

# (English, translation, context or None); a plural is a pair of English and a pair of
# translations: (("{n} line", "{n} lines"), ("{n} Position", "{n} Positionen"), None).
Entry = tuple[str | tuple[str, str], str | tuple[str, str], str | None]


def use_catalogue(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, language: str, entries: Iterable[Entry]
) -> Iterator[None]:
    """For a fixture: `yield from use_catalogue(...)`. The language's catalogue holds just
    `entries` while the test runs; the screen reads English again afterwards."""
    catalog = Catalog(locale=language, domain=i18n.DOMAIN)
    for english, translated, context in entries:
        catalog.add(english, translated, context=context)
    folder = tmp_path / "translations"
    target = folder / language / "LC_MESSAGES"
    target.mkdir(parents=True)
    with (target / f"{i18n.DOMAIN}.mo").open("wb") as file:
        write_mo(file, catalog)
    monkeypatch.setattr(paths, "translations_dir", lambda: folder)
    i18n.translator.cache_clear()
    yield
    i18n.set_language(i18n.SOURCE_LANGUAGE)
    i18n.translator.cache_clear()
