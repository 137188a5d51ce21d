"""Showroom: everything that is not Qt (rules, storage, use cases)."""

__version__ = "0.1.0"
