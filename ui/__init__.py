"""Showroom Qt user interface: windows, item models, forms and dialogs."""
