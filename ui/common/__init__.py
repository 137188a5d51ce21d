"""What every room of the UI shares: record dialogs, table models, roles, widgets, list filters."""
