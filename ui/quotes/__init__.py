"""Quotes and documents: the quote editor, the quotes tab, document preview and settings."""
