"""This workstation's own settings, for every user of the computer alike (not the data
folder's, not a user's): the site server it connects to. Read before the first window is
shown, so it loads Qt's settings alone."""

from __future__ import annotations

from PySide6.QtCore import QSettings

# Where the workstation keeps the server's address (never its password).
SETTINGS_KEY = "site_server/url"


def workstation_settings() -> QSettings:
    """This workstation's settings for this user (not the data folder's: every user of
    the computer connects to the same site's server, each with their own password)."""
    return QSettings("Showroom", "Showroom")


def chosen_server() -> str:
    """The server this workstation connects to ("" for the local SQLite file)."""
    value = workstation_settings().value(SETTINGS_KEY, "")
    return str(value or "")
