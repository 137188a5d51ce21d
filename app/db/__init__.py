"""Storage: peewee models over SQLite (default) or the site PostgreSQL server."""
