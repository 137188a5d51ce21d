"""The demo dealership's logo: copied into the data folder and named in the document settings."""

from __future__ import annotations

import shutil
from pathlib import Path

from app import paths
from app.db.connection import database, is_sqlite
from app.db.settings import put_setting
from app.services import documents

LOGO_FILE = "brenner-logo.png"


def place_logo() -> Path:
    """Copy the shipped logo beside the database (the data folder), where it stays when the
    program is moved or updated, and set it as the documents' logo. An in-memory database or
    a folder that cannot be written keeps the shipped file's path. Joins the transaction."""
    shipped = paths.resources_dir() / "demo" / LOGO_FILE
    logo = shipped
    location = str(getattr(database.obj, "database", "") or "")
    # On the site's server the data folder is this workstation's.
    folder = paths.data_dir() if not is_sqlite() else Path(location).resolve().parent
    if location and location != ":memory:" and not location.startswith("file:"):
        target = folder / LOGO_FILE
        try:
            if not target.is_file():
                shutil.copyfile(shipped, target)
            logo = target
        except OSError:
            logo = shipped
    put_setting(documents.LOGO_SETTING, str(logo))
    return logo
