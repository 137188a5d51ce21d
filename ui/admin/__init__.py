"""Administration: sales stages, purging old sales, restoring backups."""
