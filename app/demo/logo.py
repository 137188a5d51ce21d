"""The demo dealership's logo: kept in the database and named in the document settings."""

from __future__ import annotations

import hashlib

from app import paths
from app.db import document_images
from app.db.settings import put_setting
from app.services import documents

LOGO_FILE = "brenner-logo.png"


def place_logo() -> str:
    """Keep the shipped logo in the database, where every workstation finds it, and set it
    as the documents' logo; returns its SHA-256. Joins the transaction."""
    data = (paths.resources_dir() / "demo" / LOGO_FILE).read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    document_images.keep_document_image(sha, "image/png", data)
    put_setting(documents.LOGO_SETTING, sha)
    return sha
