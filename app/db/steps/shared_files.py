"""Schema step: the files every workstation needs, in the database. Issued PDFs are kept as
content-addressed blobs (stored_file, named by the SHA-256 of their bytes) with the issued
document's reference pointing at its file (issued_file): on the site's server any
workstation reprints any document exactly as issued, and a local documents folder is only a
cache. Written in SQL and peewee both backends take."""

from __future__ import annotations

from peewee import BlobField, CharField, Database, DateTimeField, Model


class _StoredFile(Model):
    sha256 = CharField(primary_key=True)
    media_type = CharField()
    data = BlobField()
    created_at = DateTimeField()

    class Meta:
        table_name = "stored_file"
        legacy_table_names = False


class _IssuedFile(Model):
    reference = CharField(primary_key=True)
    sha256 = CharField(index=True)
    created_at = DateTimeField()

    class Meta:
        table_name = "issued_file"
        legacy_table_names = False


def shared_files(db: Database) -> None:
    """The tables of stored files and of the issued documents' files. Idempotent: made
    when missing."""
    with db.bind_ctx([_StoredFile, _IssuedFile]):
        db.create_tables([_StoredFile, _IssuedFile], safe=True)
