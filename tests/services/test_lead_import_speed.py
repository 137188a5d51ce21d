"""What the lead import does once per file rather than once per row."""

from __future__ import annotations

import pytest

from app.db import models as m
from app.domain import languages
from app.i18n import Translator
from app.services import lead_import
from app.services.workspace import UserInfo


def test_language_names_are_read_once_not_per_row(
    user: UserInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every row used to build a translator and parse CLDR's names of each correspondence
    # language to compare an (often empty) language column with: more than half of the
    # import's time on a 50 MB file.
    languages._written_out.cache_clear()
    built: list[str] = []

    def counting(code: str) -> Translator:
        built.append(code)
        return Translator(code)

    monkeypatch.setattr(languages, "_translator_for", counting)
    lines = ["Lead ID,Last name,E-mail,Language"]
    written = ["", "Deutsch", "German", "Français", "italiano", "English", "Klingon", "de-AT"]
    lines += [f"WF-{i},Name{i},n{i}@example.com,{written[i % len(written)]}" for i in range(200)]
    report = lead_import.import_csv("\n".join(lines).encode())

    assert report.imported == 200, report.errors
    assert len(built) <= len(languages.CORRESPONDENCE_LANGUAGES)
    found = {row.last_name: row.language for row in m.Lead.select()}
    expected = ["", "de", "de", "fr", "it", "en", "", "de"]
    assert found == {f"Name{i}": expected[i % len(expected)] for i in range(200)}
