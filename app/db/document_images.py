"""The images issued documents print (the logo), kept once per distinct content."""

from __future__ import annotations

from app.db import models as m


def keep_document_image(sha256: str, media_type: str, data: bytes) -> None:
    """Store the image under its hash unless it is there already (joins the transaction)."""
    m.DocumentImage.insert(
        sha256=sha256, media_type=media_type, data=data
    ).on_conflict_ignore().execute()


def document_image(sha256: str) -> bytes | None:
    row = (
        m.DocumentImage.select(m.DocumentImage.data).where(m.DocumentImage.sha256 == sha256).first()
    )
    return bytes(row.data) if row is not None else None
