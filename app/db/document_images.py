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


def keep_issued_file(reference: str, sha256: str, media_type: str, data: bytes) -> None:
    """Keep an issued document's file (once per distinct content) and which one it is.
    Joins the issuing transaction."""
    m.StoredFile.insert(
        sha256=sha256, media_type=media_type, data=data
    ).on_conflict_ignore().execute()
    m.IssuedFile.insert(reference=reference, sha256=sha256).on_conflict(
        conflict_target=[m.IssuedFile.reference], update={m.IssuedFile.sha256: sha256}
    ).execute()


def issued_file(reference: str) -> bytes | None:
    """The issued document's file as issued, None when none is kept."""
    row = (
        m.StoredFile.select(m.StoredFile.data)
        .join(m.IssuedFile, on=(m.IssuedFile.sha256 == m.StoredFile.sha256))
        .where(m.IssuedFile.reference == reference)
        .first()
    )
    return bytes(row.data) if row is not None else None
