"""PDF documents (quotes, order forms) rendered from frozen snapshots; no peewee, no Qt."""
